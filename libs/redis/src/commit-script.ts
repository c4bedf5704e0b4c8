/*
 * The one commit step of every unit of work (consumer batches, timer rounds, API requests): a Lua
 * script that applies a list of parts atomically, one call per shard on a Redis Cluster (a script
 * may only touch one slot there) and one call for all shards on a single node (a unit of 40 events
 * touches ~30 of 32 shards: per-shard calls cost ~30 scripts, outbox entries and acknowledgements
 * where one does). Each part is the
 * change of one entity (a conversation, a customer): it applies only if none of its input events
 * was applied before (de-duplication marks) and every guarded key still holds the value the plan
 * was made from (optimistic concurrency by SHA-1 digest); then its commands run, its marks are
 * set, its events join the shard's outbox entry (published to Kafka right after; the entry stays
 * until Kafka has them, and the next call drops it) and its fan-out messages are PUBLISHed. One
 * script, one round trip, no cross-slot transaction, no WATCH connection pool.
 */
import type { ScriptDefinition } from './script-definitions';

/** A Redis command as data. Every key is in the part's shard slot. A name starting with "@" is a procedure of the script. */
export interface Cmd {
  name: string;
  keys: string[];
  args: (string | number)[];
}

/** The key must hold a value with this SHA-1 (hex), or not exist when `digest` is "". */
export interface Guard {
  key: string;
  digest: string;
}

export interface Fanout {
  channel: string;
  message: string;
}

export interface ScriptPart {
  /** The sorted set of the part's shard that holds its marks (unused when it has none). */
  marksKey: string;
  marks: string[];
  guards: Guard[];
  commands: Cmd[];
  /** The part's outbox lines ("" when it emits nothing). */
  payload: string;
  fanout: Fanout[];
}

/** What a part came to: applied, refused by a guard (the state moved on), or some input was already applied. */
export type PartStatus = 'applied' | 'conflict' | 'duplicate';

/** Named procedures: what one Redis command cannot say. `K` = the part's keys, `A` = its other arguments. */
export const PROCEDURES: Record<string, string> = {
  // Moves an id between two sets and keeps a counter hash in step with what the sets really changed.
  '@move': `function(K, A)
    if A[2] ~= '' and redis.call('SREM', K[1], A[1]) == 1 then redis.call('HINCRBY', K[3], A[2], -1) end
    if A[3] ~= '' then
      if redis.call('SADD', K[2], A[1]) == 1 then redis.call('HINCRBY', K[3], A[3], 1) end
      redis.call('EXPIRE', K[2], A[4])
    end
    redis.call('EXPIRE', K[3], A[4])
  end`,
  // Writes a hash field only if its "at" (epoch ms, in the JSON value) is not older than the stored one.
  '@hset-newer': `function(K, A)
    local cur = redis.call('HGET', K[1], A[1])
    if cur then
      local ok, c = pcall(cjson.decode, cur)
      if ok and c.at and tonumber(c.at) > tonumber(A[2]) then return end
    end
    redis.call('HSET', K[1], A[1], A[3])
  end`,
};

const CHUNK = 1000;

export const COMMIT_LUA = `
local CHUNK = ${CHUNK}
local function chunked(cmd, key, list)
  local out = {}
  for i = 1, #list, CHUNK do
    local r = redis.call(cmd, key, unpack(list, i, math.min(#list, i + CHUNK - 1)))
    if type(r) == 'table' then for j = 1, #r do out[#out + 1] = r[j] end end
  end
  return out
end
local P = {}
${Object.entries(PROCEDURES).map(([name, body]) => `P['${name}'] = ${body}`).join('\n')}
local now, ttl, obId, lease = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local i = 6
local res, payloads, trim = {}, {}, {}
for p = 1, tonumber(ARGV[5]) do
  local ok = 1
  local mk = KEYS[tonumber(ARGV[i])]
  local nm = tonumber(ARGV[i + 1]); i = i + 2
  local marks = {}
  for j = 1, nm do marks[j] = ARGV[i + j - 1] end
  i = i + nm
  if nm > 0 then
    local scores = {}
    for c = 1, nm, CHUNK do
      local r = redis.call('ZMSCORE', mk, unpack(marks, c, math.min(nm, c + CHUNK - 1)))
      for j = 1, #r do scores[c + j - 1] = r[j] end
    end
    for j = 1, nm do if scores[j] then ok = -1 end end
  end
  local ng = tonumber(ARGV[i]); i = i + 1
  for j = 1, ng do
    if ok == 1 then
      local cur = redis.call('GET', KEYS[tonumber(ARGV[i])])
      local want = ARGV[i + 1]
      if want == '' then if cur then ok = 0 end
      elseif (not cur) or redis.sha1hex(cur) ~= want then ok = 0 end
    end
    i = i + 2
  end
  local nc = tonumber(ARGV[i]); i = i + 1
  for c = 1, nc do
    local name, nk, na = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
    i = i + 3
    if ok == 1 then
      local K, A = {}, {}
      for j = 1, nk do K[j] = KEYS[tonumber(ARGV[i + j - 1])] end
      for j = 1, na do A[j] = ARGV[i + nk + j - 1] end
      local proc = P[name]
      if proc then proc(K, A) else
        for j = 1, na do K[#K + 1] = A[j] end
        redis.call(name, unpack(K))
      end
    end
    i = i + nk + na
  end
  local payload = ARGV[i]
  local nf = tonumber(ARGV[i + 1]); i = i + 2
  if ok == 1 then
    if nm > 0 then
      local za = {}
      for j = 1, nm do za[2 * j - 1] = now; za[2 * j] = marks[j] end
      chunked('ZADD', mk, za)
      trim[mk] = true
    end
    if payload ~= '' then payloads[#payloads + 1] = payload end
    for f = 1, nf do redis.call('PUBLISH', ARGV[i + 2 * f - 2], ARGV[i + 2 * f - 1]) end
  end
  i = i + 2 * nf
  res[p] = ok
end
for a = 1, tonumber(ARGV[i] or 0) do
  local ob, due, n = KEYS[tonumber(ARGV[i + 1])], KEYS[tonumber(ARGV[i + 2])], tonumber(ARGV[i + 3])
  local ids = {}
  for j = 1, n do ids[j] = ARGV[i + 3 + j] end
  chunked('HDEL', ob, ids)
  chunked('ZREM', due, ids)
  i = i + 3 + n
end
if #payloads > 0 then
  redis.call('HSET', KEYS[1], obId, table.concat(payloads, '\\n'))
  redis.call('ZADD', KEYS[2], lease, obId)
end
if ttl > 0 then for mk in pairs(trim) do redis.call('ZREMRANGEBYSCORE', mk, '-inf', tonumber(now) - ttl) end end
return res`;

/** Defined without a key count: its first argument is the number of keys the commit touches. */
export const COMMIT_SCRIPT: ScriptDefinition = { name: 'cxCommit', lua: COMMIT_LUA };

export interface CommitArgs {
  /** The outbox (and its due index) that takes the events of every part of the call. */
  outboxKey: string;
  outboxDueKey: string;
  now: number;
  /** How long marks are kept (ms); 0 keeps them (tests). */
  markTtlMs: number;
  outboxId: string;
  /** Until when the committer owns the outbox entry; after that the drainer may publish it. */
  leaseUntil: number;
  parts: ScriptPart[];
  /** Outbox entries already published, dropped by this call (no round trip of their own). */
  acks?: OutboxAck[];
}

/** Published entries of one shard's outbox. */
export interface OutboxAck {
  outboxKey: string;
  outboxDueKey: string;
  ids: string[];
}

/** The KEYS and ARGV of one call: the outbox keys first, then each other key once. */
export function encodeCommit(c: CommitArgs): { keys: string[]; args: (string | number)[] } {
  const keys = [c.outboxKey, c.outboxDueKey];
  const index = new Map<string, number>([[c.outboxKey, 1], [c.outboxDueKey, 2]]);
  const ref = (k: string) => {
    let n = index.get(k);
    if (n === undefined) {
      keys.push(k);
      n = keys.length;
      index.set(k, n);
    }
    return n;
  };
  const args: (string | number)[] = [c.now, c.markTtlMs, c.outboxId, c.leaseUntil, c.parts.length];
  for (const p of c.parts) {
    args.push(p.marks.length ? ref(p.marksKey) : 1, p.marks.length, ...p.marks, p.guards.length);
    for (const g of p.guards) args.push(ref(g.key), g.digest);
    args.push(p.commands.length);
    for (const cmd of p.commands) {
      if (cmd.name.startsWith('@') && !(cmd.name in PROCEDURES)) throw new Error(`unknown procedure ${cmd.name}`);
      args.push(cmd.name, cmd.keys.length, cmd.args.length, ...cmd.keys.map(ref), ...cmd.args);
    }
    args.push(p.payload, p.fanout.length);
    for (const f of p.fanout) args.push(f.channel, f.message);
  }
  // The acknowledgements come last and only when there are some (the script reads none past the end).
  const acks = (c.acks ?? []).filter((a) => a.ids.length > 0);
  if (acks.length) args.push(acks.length);
  for (const a of acks) args.push(ref(a.outboxKey), ref(a.outboxDueKey), a.ids.length, ...a.ids);
  return { keys, args };
}

export function decodeStatuses(reply: unknown): PartStatus[] {
  return (reply as number[]).map((r) => (r === 1 ? 'applied' : r === 0 ? 'conflict' : 'duplicate'));
}
