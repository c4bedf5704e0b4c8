import type Redis from 'ioredis';

/**
 * Claims due members of a sorted set atomically: members scored at or before `now` are returned
 * and re-scored to `leaseUntil` in the same script, so of several router instances exactly one
 * gets each member. A claimer that dies leaves the member to be claimed again after the lease;
 * the caller's commit (WATCH) makes the work itself happen once.
 */
const CLAIM = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
for i = 1, #due, 2 do redis.call('ZADD', KEYS[1], ARGV[2], due[i]) end
return due`;

export interface Claimed { member: string; dueAt: number; }

type ClaimingRedis = Redis & { cxClaimDue(key: string, now: number, leaseUntil: number, limit: number): Promise<string[]> };

export async function claimDue(redis: Redis, key: string, now: number, leaseUntil: number, limit: number): Promise<Claimed[]> {
  const r = redis as ClaimingRedis;
  if (typeof r.cxClaimDue !== 'function') redis.defineCommand('cxClaimDue', { numberOfKeys: 1, lua: CLAIM });
  const flat = await r.cxClaimDue(key, now, leaseUntil, limit);
  const out: Claimed[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ member: flat[i], dueAt: Number(flat[i + 1]) });
  return out;
}
