/*
 * Lua scripts of the SLA timer store. Each touches only keys of one shard (one hash tag, one
 * Redis Cluster slot), declared in KEYS. See sla-keys.ts for the layout and docs/sla.md for
 * the protocol between the consumer and the scheduler.
 */

/**
 * Claim: moves due timers (score ≤ now) and timers whose lease expired (a claimer died) into the
 * in-flight set with a new lease, atomically, so two schedulers never claim the same timer.
 * KEYS: due, inflight. ARGV: now, leaseUntil, limit. Returns the claimed members.
 */
export const CLAIM_LUA = `
local limit = tonumber(ARGV[3])
local out = {}
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, limit)
for i = 1, #due do
  redis.call('ZADD', KEYS[2], ARGV[2], due[i])
  out[#out + 1] = due[i]
end
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
local room = limit - #due
if room > 0 then
  local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1], 'LIMIT', 0, room)
  for i = 1, #expired do
    redis.call('ZADD', KEYS[2], ARGV[2], expired[i])
    out[#out + 1] = expired[i]
  end
end
return out`;

/**
 * Scheduler commit: per conversation, a compare-and-set of its state that also refuses while a
 * consumer batch holds the conversation, and, in the same step, the firings into the outbox (so
 * a crash before they reach Kafka never loses them: the next claimer of the lease publishes them).
 * KEYS: outbox, then state_i, lock_i per item. ARGV: n, then per item: expected, new, k, k × (member, events).
 * Returns 1/0 per item.
 */
export const COMMIT_LUA = `
local res = {}
local a = 2
for i = 1, tonumber(ARGV[1]) do
  local expected, new, k = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
  a = a + 3
  local cur = redis.call('GET', KEYS[2 * i])
  if cur == expected and redis.call('EXISTS', KEYS[2 * i + 1]) == 0 then
    if new ~= expected then redis.call('SET', KEYS[2 * i], new, 'KEEPTTL') end
    for j = 0, k - 1 do redis.call('HSET', KEYS[1], ARGV[a + 2 * j], ARGV[a + 2 * j + 1]) end
    res[i] = 1
  else
    res[i] = 0
  end
  a = a + 2 * k
end
return res`;

/**
 * Scheduler finalize, after the outbox reached Kafka: releases our lease (only if it is still
 * ours), schedules the clock's next threshold (ZADD LT: an earlier instant written meanwhile by
 * the consumer wins; an early timer only re-checks the state), clears the published outbox entry.
 * KEYS: due, inflight, outbox. ARGV: n, then per item: member, lease, nextDue ('' = none), clear ('1'/'0').
 */
export const FINALIZE_LUA = `
local a = 2
for i = 1, tonumber(ARGV[1]) do
  local m, lease, nextDue, clear = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  a = a + 4
  local s = redis.call('ZSCORE', KEYS[2], m)
  if s and tonumber(s) == tonumber(lease) then redis.call('ZREM', KEYS[2], m) end
  if nextDue ~= '' then redis.call('ZADD', KEYS[1], 'LT', nextDue, m) end
  if clear == '1' then redis.call('HDEL', KEYS[3], m) end
end
return 1`;

/**
 * Consumer hold + load: marks the conversation as held by this consumer batch (the scheduler's
 * commit refuses while held), then reads its state. Holding first means a scheduler commit either
 * landed before (and we read it) or fails (and retries on our result).
 * KEYS: state, lock. ARGV: holder, ttlMs.
 */
export const HOLD_LUA = `
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return redis.call('GET', KEYS[1])`;

/**
 * Consumer write, inside the batch's MULTI (atomic with the de-duplication marks): the new state,
 * the conversation's next due instant, the open-clock deltas, and the release of the hold.
 * KEYS: state, lock, due, open. ARGV: holder, new ('' = unchanged), ttlSeconds, member,
 * due ('' = unchanged, 'rm' = nothing pending, else epoch ms), nDelta, nDelta × (metric, delta).
 */
export const WRITE_LUA = `
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
if ARGV[5] == 'rm' then redis.call('ZREM', KEYS[3], ARGV[4])
elseif ARGV[5] ~= '' then redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4]) end
local a = 6
local n = tonumber(ARGV[a]); a = a + 1
for i = 1, n do redis.call('HINCRBY', KEYS[4], ARGV[a], ARGV[a + 1]); a = a + 2 end
redis.call('SREM', KEYS[2], ARGV[1])
return 1`;
