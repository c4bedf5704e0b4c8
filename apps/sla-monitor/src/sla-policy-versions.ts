/*
 * Live policy reloads across instances and restarts (docs/contract.md (SLA semantics)): a valid new policy file applies to
 * every running clock as a policy change at the reload instant. Each file content is a version
 * (a short digest); every stored state says which version planned it; the reload instant of a
 * version is the first instance's clock when it saw it, kept in Redis beside the file's text, so
 * every instance (and a restarted one) migrates a state the same way: reloadPolicies from the
 * version that planned it to the current one, at that instant. Thresholds already fired never fire
 * again (the engine keeps the fired fractions), so a reload never double-fires.
 */
import { createHash } from 'node:crypto';
import { parsePolicies, reloadPolicies, type PolicyChangeResult, type PolicySet, type SlaState } from '@cx/sla';
import { defineScripts, type RedisClient, type ScriptDefinition } from '@cx/redis';
import type { SlaKeys } from './sla-keys';

export interface PolicyFile {
  set: PolicySet;
  text: string;
}

export interface PolicyVersion {
  version: string;
  set: PolicySet;
  /** The reload instant (epoch ms): when the first instance saw this version. */
  at: number;
}

export function versionOf(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 10);
}

/** A stored state with the policy version that planned it: `<version>|<encodeState>` (a bare state has no version). */
export function splitStored(raw: string): { version?: string; encoded: string } {
  if (raw.startsWith('{')) return { encoded: raw };
  const bar = raw.indexOf('|');
  return { version: raw.slice(0, bar), encoded: raw.slice(bar + 1) };
}

export function joinStored(version: string, encoded: string): string {
  return `${version}|${encoded}`;
}

/** KEYS[1] the versions hash; ARGV version, text, now. Returns the version's reload instant. */
/** Defined on the client at creation (app.module.ts), before any command: see defineScripts. */
export const POLICY_VERSION_SCRIPT: ScriptDefinition = { name: 'cxUsePolicyVersion', numberOfKeys: 1, lua: `
redis.call('HSETNX', KEYS[1], 'text:' .. ARGV[1], ARGV[2])
if redis.call('HGET', KEYS[1], 'current') ~= ARGV[1] then
  redis.call('HSET', KEYS[1], 'current', ARGV[1], 'at:' .. ARGV[1], ARGV[3])
end
return redis.call('HGET', KEYS[1], 'at:' .. ARGV[1])` };

type WithUse = RedisClient & { cxUsePolicyVersion(key: string, version: string, text: string, now: number): Promise<string> };

export class PolicyVersions {
  private readonly known = new Map<string, PolicyVersion>();
  private currentVersion!: PolicyVersion;

  constructor(private readonly redis: RedisClient, private readonly keys: SlaKeys, private readonly clock: () => number = Date.now) {
    defineScripts(redis, [POLICY_VERSION_SCRIPT]); // for clients made elsewhere (tests); a no-op in the service
  }

  current(): PolicyVersion {
    return this.currentVersion;
  }

  /**
   * Makes a file the current version: records its text and claims its reload instant. The first
   * instance to switch to it wins the instant; switching back to a version that was current before
   * (A → B → A) is a new reload at the new instant, not the old one.
   */
  async use(file: PolicyFile): Promise<PolicyVersion> {
    const version = versionOf(file.text);
    const at = Number(await (this.redis as WithUse).cxUsePolicyVersion(this.keys.policyVersions(), version, file.text, this.clock()));
    const v = { version, set: file.set, at };
    this.known.set(version, v);
    this.currentVersion = v;
    return v;
  }

  setOf(version: string): PolicySet | undefined {
    return this.known.get(version)?.set;
  }

  /** Loads the versions of `versions` this instance has not seen (states planned before a restart). */
  async ensure(versions: Iterable<string | undefined>): Promise<void> {
    const missing = [...new Set(versions)].filter((v): v is string => !!v && !this.known.has(v));
    if (missing.length === 0) return;
    const key = this.keys.policyVersions();
    await Promise.all(missing.map(async (v) => {
      const [text, at] = await Promise.all([this.redis.hget(key, `text:${v}`), this.redis.hget(key, `at:${v}`)]);
      if (text) this.known.set(v, { version: v, set: parsePolicies(text, `policy version ${v}`), at: Number(at) });
    }));
  }

  /**
   * The state moved to the current version (a policy change at the current version's reload
   * instant), or undefined when it is current already. A state of a version nobody knows (written
   * before versions were recorded) is taken as planned under the current one.
   */
  migrate(conversationId: string, state: SlaState, version: string | undefined): PolicyChangeResult | undefined {
    const cur = this.currentVersion;
    if (version === cur.version) return undefined;
    const from = version ? this.known.get(version) : undefined;
    if (!from) return undefined;
    return reloadPolicies(conversationId, state, Math.max(cur.at, state.lt), cur.set, from.set);
  }
}

/** A stored state read back, moved to the current policy version (with what that change fired). */
export interface LoadedState {
  state: SlaState;
  /** The state as stored and the policies it was planned with (its timer and open clocks in Redis follow them). */
  stored: SlaState;
  storedSet: PolicySet;
  migrated?: PolicyChangeResult;
}

export function loadState(raw: string, conversationId: string, versions: PolicyVersions, decode: (s: string) => SlaState): LoadedState {
  const { version, encoded } = splitStored(raw);
  const stored = decode(encoded);
  const migrated = versions.migrate(conversationId, stored, version);
  if (!migrated?.state) return { state: stored, stored, storedSet: versions.current().set };
  return { state: migrated.state, stored, storedSet: versions.setOf(version!)!, migrated };
}
