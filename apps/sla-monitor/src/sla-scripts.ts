/*
 * Lua scripts of the SLA timer store. Each touches only keys of one shard (one hash tag, one
 * Redis Cluster slot), declared in KEYS. See sla-keys.ts for the layout and docs/sla.md for
 * the protocol between the consumer and the scheduler.
 */

/*
 * The scheduler's scripts work on a whole batch with a few multi-key / multi-member commands
 * (one ZADD, ZREM, MGET, ZMSCORE, HSET, HDEL per batch) rather than a few commands per timer:
 * each redis.call costs about as much as the work it does here. `unpack` is bounded by Lua's C
 * stack, so long argument lists go in chunks of CHUNK values (even: pairs stay whole). A nil reply
 * is `false` in Lua, so results are walked by index, never with ipairs.
 */
const CHUNKED = `
local CHUNK = 1000
local function each(list, f)
  for i = 1, #list, CHUNK do f(unpack(list, i, math.min(#list, i + CHUNK - 1))) end
end
local function concat(list, f)
  local out = {}
  each(list, function(...) local r = f(...); for j = 1, #r do out[#out + 1] = r[j] end end)
  return out
end`;

/**
 * Claim: moves due timers (score ≤ now) and timers whose lease expired (a claimer died) into the
 * in-flight set with a new lease, atomically, so two schedulers never claim the same timer.
 * KEYS: due, inflight. ARGV: now, leaseUntil, limit. Returns the claimed members.
 */
export const CLAIM_LUA = `${CHUNKED}
local limit = tonumber(ARGV[3])
local function lease(members)
  local args = {}
  for i = 1, #members do args[2 * i - 1] = ARGV[2]; args[2 * i] = members[i] end
  each(args, function(...) redis.call('ZADD', KEYS[2], ...) end)
end
local out = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, limit)
lease(out)
each(out, function(...) redis.call('ZREM', KEYS[1], ...) end)
local room = limit - #out
if room > 0 then
  local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1], 'LIMIT', 0, room)
  lease(expired)
  for i = 1, #expired do out[#out + 1] = expired[i] end
end
return out`;

/**
 * Scheduler commit: per conversation, a compare-and-set of its state that also refuses while a
 * consumer batch holds the conversation, and, in the same step, the firings into the outbox (so
 * a crash before they reach Kafka never loses them: the next claimer of the lease publishes them).
 * KEYS: outbox, then state_i, lock_i per item. ARGV: n, then per item: member, expected, new,
 * outbox entry ('' = none). Returns 1/0 per item.
 */
export const COMMIT_LUA = `${CHUNKED}
local n = tonumber(ARGV[1])
local states, locks = {}, {}
for i = 1, n do states[i] = KEYS[2 * i]; locks[i] = KEYS[2 * i + 1] end
local cur = concat(states, function(...) return redis.call('MGET', ...) end)
local held = 0
each(locks, function(...) held = held + redis.call('EXISTS', ...) end)
local res, entries = {}, {}
for i = 1, n do
  local a = 2 + 4 * (i - 1)
  local expected, new, entry = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  if cur[i] == expected and (held == 0 or redis.call('EXISTS', locks[i]) == 0) then
    if new ~= expected then redis.call('SET', states[i], new, 'KEEPTTL') end
    if entry ~= '' then entries[#entries + 1] = ARGV[a]; entries[#entries + 1] = entry end
    res[i] = 1
  else
    res[i] = 0
  end
end
each(entries, function(...) redis.call('HSET', KEYS[1], ...) end)
return res`;

/**
 * Scheduler finalize, after the outbox reached Kafka: releases our lease (only if it is still
 * ours), schedules the clock's next threshold (ZADD LT: an earlier instant written meanwhile by
 * the consumer wins; an early timer only re-checks the state), clears the published outbox entry.
 * KEYS: due, inflight, outbox. ARGV: n, then per item: member, lease, nextDue ('' = none), clear ('1'/'0').
 */
export const FINALIZE_LUA = `${CHUNKED}
local members, leases, nexts, clears = {}, {}, {}, {}
for i = 1, tonumber(ARGV[1]) do
  local a = 2 + 4 * (i - 1)
  members[i] = ARGV[a]; leases[i] = ARGV[a + 1]
  if ARGV[a + 2] ~= '' then nexts[#nexts + 1] = ARGV[a + 2]; nexts[#nexts + 1] = ARGV[a] end
  if ARGV[a + 3] == '1' then clears[#clears + 1] = ARGV[a] end
end
local scores = concat(members, function(...) return redis.call('ZMSCORE', KEYS[2], ...) end)
local ours = {}
for i = 1, #members do
  if scores[i] and tonumber(scores[i]) == tonumber(leases[i]) then ours[#ours + 1] = members[i] end
end
each(ours, function(...) redis.call('ZREM', KEYS[2], ...) end)
each(nexts, function(...) redis.call('ZADD', KEYS[1], 'LT', ...) end)
each(clears, function(...) redis.call('HDEL', KEYS[3], ...) end)
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
