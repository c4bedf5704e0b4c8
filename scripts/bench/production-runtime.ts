/*
 * What production runs the services with, read from the cx-env ConfigMap (deploy/k8s/config.yaml),
 * so that npm run bench measures the deployed runtime and not Node's defaults: NODE_OPTIONS goes
 * into the environment; NODE_ARGS (V8 flags that Node refuses in NODE_OPTIONS, such as
 * --single-threaded-gc, which the image's CMD puts on the command line) become node arguments.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface ProductionRuntime {
  /** Environment for the service processes (NODE_OPTIONS when the ConfigMap sets it). */
  env: Record<string, string>;
  /** Arguments before the entry script. */
  nodeArgs: string[];
}

export function productionRuntime(configFile = join(__dirname, '..', '..', 'deploy/k8s/config.yaml')): ProductionRuntime {
  const data = parseAllDocuments(readFileSync(configFile, 'utf8'))
    .map((d) => d.toJS() as { metadata?: { name?: string }; data?: Record<string, string> })
    .find((d) => d.metadata?.name === 'cx-env')?.data ?? {};
  return {
    env: data.NODE_OPTIONS ? { NODE_OPTIONS: data.NODE_OPTIONS } : {},
    nodeArgs: (data.NODE_ARGS ?? '').split(' ').filter(Boolean),
  };
}
