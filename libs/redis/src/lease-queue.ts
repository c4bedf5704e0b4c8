/*
 * One lease queue for all timer-driven work (SLA thresholds, the escalation ladder, webhook
 * retries, the outbox drainer): a sorted set of members scored by when they are due. Claiming
 * re-scores due members to a lease deadline in the same script, so of several instances exactly
 * one works on a member at a time; a claimer that dies leaves it to be claimed again once the
 * lease runs out. The work itself commits through the commit script (which reschedules or removes
 * the member), so it happens once even when a lease ran out under a slow claimer.
 */
import type { RedisClient } from './redis-client';
import { defineScripts, type ScriptDefinition } from './script-definitions';

const CLAIM_LUA = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
local args = {}
for i = 1, #due, 2 do args[#args + 1] = ARGV[2]; args[#args + 1] = due[i] end
for i = 1, #args, 1000 do redis.call('ZADD', KEYS[1], unpack(args, i, math.min(#args, i + 999))) end
return due`;

export interface Claimed {
  member: string;
  /** The score the member had: when it was due (epoch ms). */
  dueAt: number;
}

type WithClaim = RedisClient & { cxLeaseClaim(key: string, now: number, leaseUntil: number, limit: number): Promise<string[]> };

export const LEASE_CLAIM_SCRIPT: ScriptDefinition = { name: 'cxLeaseClaim', numberOfKeys: 1, lua: CLAIM_LUA };

/** Claims up to `limit` members due at or before `now`, leasing them until `leaseUntil`. */
export async function claimDue(redis: RedisClient, key: string, now: number, leaseUntil: number, limit: number): Promise<Claimed[]> {
  defineScripts(redis, [LEASE_CLAIM_SCRIPT]); // for clients made elsewhere (tests); a no-op on createRedis's
  const flat = await (redis as WithClaim).cxLeaseClaim(key, now, leaseUntil, limit);
  const out: Claimed[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ member: flat[i], dueAt: Number(flat[i + 1]) });
  return out;
}
