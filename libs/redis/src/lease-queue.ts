/*
 * One lease queue for all timer-driven work (SLA thresholds, the escalation ladder, webhook
 * retries, the outbox drainer): a sorted set of members scored by when they are due. Claiming
 * re-scores due members to a lease deadline in the same script, so of several instances exactly
 * one works on a member at a time; a claimer that dies leaves it to be claimed again once the
 * lease runs out. The work itself commits through the commit script (which reschedules or removes
 * the member), so it happens once even when a lease ran out under a slow claimer.
 */
import type { RedisClient } from './redis-client';
import { defineScripts, isClusterClient, type ScriptDefinition } from './script-definitions';

// One body for one queue and for many: a single node claims every shard's queue in one call (the
// loops claim all 32 shards every round: 32 script calls cost ~0.7 ms of client CPU a round, and
// the SLA scheduler runs 20 rounds a second even when idle); a Cluster claims per queue (one slot each).
const CLAIM_LUA = `
local out = {}
for k = 1, #KEYS do
  local due = redis.call('ZRANGEBYSCORE', KEYS[k], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
  local args = {}
  for i = 1, #due, 2 do args[#args + 1] = ARGV[2]; args[#args + 1] = due[i] end
  for i = 1, #args, 1000 do redis.call('ZADD', KEYS[k], unpack(args, i, math.min(#args, i + 999))) end
  out[k] = due
end
return out`;

export interface Claimed {
  member: string;
  /** The score the member had: when it was due (epoch ms). */
  dueAt: number;
}

type Claim = (...a: (string | number)[]) => Promise<string[][]>;
type WithClaim = RedisClient & { cxLeaseClaim: Claim; cxLeaseClaimAll: Claim };

/** One queue per call, routed by its key (a Cluster's auto-pipelining groups these by slot). */
export const LEASE_CLAIM_SCRIPT: ScriptDefinition = { name: 'cxLeaseClaim', numberOfKeys: 1, lua: CLAIM_LUA };
/** Any number of queues in one call; its first argument is the key count (single node only: the keys span slots). */
export const LEASE_CLAIM_ALL_SCRIPT: ScriptDefinition = { name: 'cxLeaseClaimAll', lua: CLAIM_LUA };

function toClaimed(flat: string[]): Claimed[] {
  const out: Claimed[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ member: flat[i], dueAt: Number(flat[i + 1]) });
  return out;
}

/**
 * Claims, from each of `keys`, up to `limit` members due at or before `now`, leasing them until
 * `leaseUntil`: in one script call on a single node, one per queue in the same tick on a Cluster.
 * The claims of each queue, in the order of `keys`.
 */
export async function claimDueAll(redis: RedisClient, keys: string[], now: number, leaseUntil: number, limit: number): Promise<Claimed[][]> {
  defineScripts(redis, [LEASE_CLAIM_SCRIPT, LEASE_CLAIM_ALL_SCRIPT]); // for clients made elsewhere (tests); a no-op on createRedis's
  const r = redis as WithClaim;
  const replies = isClusterClient(redis)
    ? await Promise.all(keys.map(async (k) => (await r.cxLeaseClaim(k, now, leaseUntil, limit))[0]))
    : await r.cxLeaseClaimAll(keys.length, ...keys, now, leaseUntil, limit);
  return replies.map(toClaimed);
}
