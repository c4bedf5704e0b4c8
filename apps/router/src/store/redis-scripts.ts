import type Redis from 'ioredis';

/**
 * Writes an agent only if the update is not older than what is stored, so the PUT (applied at
 * once) and its own `cx.agent.updated.v1` (applied later by whichever instance consumes it)
 * converge on the newest state in any order. Equal times re-apply: replays are harmless.
 */
const PUT_IF_NEWER = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  local ok, c = pcall(cjson.decode, cur)
  if ok and c.at and tonumber(c.at) > tonumber(ARGV[2]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;

/**
 * Moves an escalation between assignment sets and keeps the load counters in step with what the
 * sets really changed (SADD/SREM results), so replays and repeats never skew a load.
 */
const ASSIGN = `
if ARGV[2] ~= '' and redis.call('SREM', KEYS[1], ARGV[1]) == 1 then redis.call('HINCRBY', KEYS[3], ARGV[2], -1) end
if ARGV[3] ~= '' then
  if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then redis.call('HINCRBY', KEYS[3], ARGV[3], 1) end
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
redis.call('EXPIRE', KEYS[3], ARGV[4])
return 1`;

/**
 * Registers the router's Lua scripts on a connection. ioredis keeps scripts per client, and the
 * writer's WATCH connections are duplicates, so every connection that queues them needs this.
 */
export function defineRouterScripts(redis: Redis): void {
  const r = redis as Redis & { cxPutAgent?: unknown; cxAssign?: unknown };
  if (!r.cxPutAgent) redis.defineCommand('cxPutAgent', { numberOfKeys: 1, lua: PUT_IF_NEWER });
  if (!r.cxAssign) redis.defineCommand('cxAssign', { numberOfKeys: 3, lua: ASSIGN });
}
