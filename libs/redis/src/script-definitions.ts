/*
 * Lua commands are defined on a client once, when it is made, from one list per owner (the
 * runtime's in redis-client.ts, a service's in its ServiceSpec). With auto-pipelining a command
 * joins the pipeline of its node that is open in this tick, and a pipeline only has the commands
 * defined before it was opened: a command defined lazily next to other traffic threw
 * "pipeline[functionName] is not a function" and then crashed the process in ioredis' callback.
 */
import type Redis from 'ioredis';
import type { Cluster } from 'ioredis';

export interface ScriptDefinition {
  name: string;
  /** Fixed key count; absent for a command whose first argument is its key count. */
  numberOfKeys?: number;
  lua: string;
}

/** Defines what is not defined yet (a no-op on a client made by createRedis). */
export function defineScripts(client: Redis | Cluster, scripts: readonly ScriptDefinition[]): void {
  for (const { name, numberOfKeys, lua } of scripts) {
    if (typeof (client as unknown as Record<string, unknown>)[name] === 'function') continue;
    client.defineCommand(name, numberOfKeys === undefined ? { lua } : { numberOfKeys, lua });
  }
}

/** A Redis Cluster client: commands and scripts must then keep to one slot each. */
export function isClusterClient(client: Redis | Cluster): boolean {
  return (client as { isCluster?: boolean }).isCluster === true;
}
