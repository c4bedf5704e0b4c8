/*
 * The checks every fault and scale-out run makes, faulted or not (issue 12 measured all three
 * wrong once): no event id published twice on an output topic in steady state, counted; the lag
 * gauge equal to committed-vs-latest offsets read with the Kafka admin. (/health and /metrics are
 * timed by ops-probe.ts.)
 */
import type { Received, TestKafka } from './kafka-test-client';
import { waitFor } from './wait-for';

export interface Republished {
  id: string;
  type: string;
  copies: number;
  /** Broker time of the first copy. */
  firstAt: number;
  /** false: two different events carry one id (an id collision, worse than a republish). */
  sameBytes: boolean;
}

/** Every id that appears more than once among the records of one or more topics. */
export function republishedIds(...topics: Received[][]): Republished[] {
  const byId = new Map<string, Received[]>();
  for (const m of topics.flat()) {
    const id = m.json?.id;
    if (!id) continue;
    let list = byId.get(id);
    if (!list) byId.set(id, (list = []));
    list.push(m);
  }
  return [...byId].filter(([, ms]) => ms.length > 1).map(([id, ms]) => ({
    id, type: ms[0].json!.type, copies: ms.length,
    firstAt: Math.min(...ms.map((m) => m.timestamp)),
    sameBytes: ms.every((m) => m.value!.equals(ms[0].value!)),
  }));
}

export interface FaultWindow { what: string; from: number; to: number }

/**
 * Records when each fault lasted, so a republish can be told from a steady-state duplicate. A
 * window opens `leadMs` before the fault: the first copy of an event that a crash leaves
 * unacknowledged was stamped by the producer just before the crash.
 */
export class FaultLog {
  readonly windows: FaultWindow[] = [];

  constructor(private readonly leadMs = 2000) {}

  /** Runs the fault; its window lasts until `settleMs` after it ended (the recovery). */
  async during<T>(what: string, fault: () => Promise<T>, settleMs = 0): Promise<T> {
    const w: FaultWindow = { what, from: Date.now() - this.leadMs, to: Number.POSITIVE_INFINITY };
    this.windows.push(w);
    try {
      return await fault();
    } finally {
      w.to = Date.now() + settleMs;
    }
  }

  /** A window from now until `untilMs` from now (a kill whose recovery is a session timeout). */
  mark(what: string, untilMs: number): void {
    this.windows.push({ what, from: Date.now() - this.leadMs, to: Date.now() + untilMs });
  }

  covers(t: number): boolean {
    return this.windows.some((w) => t >= w.from && t <= w.to);
  }
}

/**
 * Republished ids split by cause: those whose first copy went out during a fault (a crash between
 * Kafka's acknowledgement and the outbox acknowledgement; consumers de-duplicate them) and the
 * steady-state ones, which a healthy run must not have.
 */
export function auditRepublished(faults: FaultLog | undefined, ...topics: Received[][]): { total: number; duringFaults: Republished[]; steady: Republished[] } {
  const all = republishedIds(...topics);
  const duringFaults = all.filter((r) => faults?.covers(r.firstAt));
  return { total: topics.reduce((n, t) => n + t.length, 0), duringFaults, steady: all.filter((r) => !duringFaults.includes(r)) };
}

type Series = Map<string, number>;

/** The `cx_consumer_lag_messages` series of one instance, keyed `topic/partition`. */
export async function lagGauge(url: string): Promise<Series> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
  const series: Series = new Map();
  for (const line of text.split('\n')) {
    const m = /^cx_consumer_lag_messages\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    series.set(`${labels.topic}/${labels.partition}`, Number(m[2]));
  }
  return series;
}

/** Latest offset minus the group's committed offset per partition, as `kafka-consumer-groups.sh` reports it. */
export async function adminLag(kafka: TestKafka, groupId: string, logicalTopics: string[]): Promise<Series> {
  const admin = await kafka.admin();
  try {
    const physical = logicalTopics.map((t) => kafka.topic(t));
    const committed = await admin.fetchOffsets({ groupId, topics: physical });
    const lag: Series = new Map();
    for (const [i, topic] of physical.entries()) {
      const group = committed.find((c) => c.topic === topic);
      for (const p of await admin.fetchTopicOffsets(topic)) {
        const c = Number(group?.partitions.find((x) => x.partition === p.partition)?.offset ?? -1);
        lag.set(`${logicalTopics[i]}/${p.partition}`, Number(p.high) - (c >= 0 ? c : Number(p.low)));
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until every instance's lag gauge shows exactly the admin's lag on every partition (the
 * gauge refreshes every 5 s) and returns the admin's reading. Offsets must be still meanwhile:
 * caught up, or stuck behind an outage.
 */
export async function expectLagGaugeMatches(kafka: TestKafka, urls: string[], groupId: string, logicalTopics: string[], timeoutMs = 20_000): Promise<Series> {
  let last = '';
  try {
    return await waitFor(`lag gauges of ${groupId} to match the admin`, async () => {
      const expected = await adminLag(kafka, groupId, logicalTopics);
      const gauges = await Promise.all(urls.map(lagGauge));
      const wrong = gauges.flatMap((g, i) => [...expected].filter(([k, v]) => g.get(k) !== v).map(([k, v]) => `${urls[i]} ${k}: gauge ${g.get(k)} admin ${v}`));
      last = wrong.join('; ');
      return wrong.length === 0 ? expected : undefined;
    }, timeoutMs, 500);
  } catch (e) {
    throw new Error(`${(e as Error).message}: ${last}`);
  }
}
