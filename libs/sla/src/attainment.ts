/*
 * SLA attainment over a replay (`sla:simulate --summary`, docs/contract.md (SLA semantics)): per policy and metric,
 * how many clocks there were and how many met their target, breached it, or were still running
 * at `--until`. Built from the engine's completions, so it counts exactly what the service's
 * attainment counters count: a breached clock under the policy its breach names, any other under
 * the policy in force when it ended (or at `--until`); one that a policy change stopped without
 * an event only in `clocks`.
 */
import { SlaMetric } from '@cx/contracts';
import { isLiveTargeted, metricOfClock, policyOf } from './clock-timers';
import type { PolicySet } from './policy';
import type { SlaCompletion, SlaState } from './sla-state';

export interface SummaryLine {
  type: 'sla.summary';
  policyId: string | null;
  metric: SlaMetric;
  clocks: number;
  met: number;
  breached: number;
  running: number;
  attainment: number | null;
}

type Status = 'met' | 'breached' | 'dropped' | 'running';

interface Entry {
  policyId: string | null;
  metric: SlaMetric;
  status: Status;
}

export class AttainmentTally {
  /** Latest status by clock instance (tenant, conversation, clock key, start). */
  private readonly clocks = new Map<string, Entry>();

  constructor(private readonly until: number) {}

  private static key(tenantid: string, conversationId: string, clock: string, startedAt: number): string {
    return `${tenantid}\u0000${conversationId}\u0000${clock}\u0000${startedAt}`;
  }

  add(c: SlaCompletion): void {
    if (c.startedAtMs > this.until) return; // started after --until: not a clock yet
    const key = AttainmentTally.key(c.tenantid, c.conversationId, c.clock, c.startedAtMs);
    const prior = this.clocks.get(key);
    if (c.atMs > this.until) {
      // Ended after --until: it was running then (unless it had already ended by then).
      if (!prior || prior.status === 'running') this.clocks.set(key, { policyId: c.policyId, metric: c.metric, status: 'running' });
      return;
    }
    if (c.outcome === 'reopened') {
      if (prior?.status === 'met') this.clocks.delete(key);
      return;
    }
    this.clocks.set(key, { policyId: c.policyId, metric: c.metric, status: c.outcome });
  }

  /** Clocks that are still open in the final states run at --until under the policy in force. */
  addOpen(conversationId: string, state: SlaState, policies: PolicySet): void {
    if (state.st === 'c') return;
    const policy = policyOf(state, policies);
    const tenantid = state.tn ?? 'default';
    for (const [clock, c] of Object.entries(state.k)) {
      if (c.s > this.until || !isLiveTargeted(clock, c, policy)) continue;
      const key = AttainmentTally.key(tenantid, conversationId, clock, c.s);
      const prior = this.clocks.get(key);
      if (prior && prior.status !== 'dropped') continue;
      this.clocks.set(key, { policyId: policy?.id ?? null, metric: metricOfClock(clock), status: 'running' });
    }
  }

  /** One line per policy and metric that had clocks: policies in file order, unmatched (null) last, metrics in contract order. */
  lines(policies: PolicySet): SummaryLine[] {
    const rows = new Map<string, SummaryLine>();
    for (const e of this.clocks.values()) {
      const k = `${e.policyId ?? ''}\u0000${e.metric}`;
      let row = rows.get(k);
      if (!row) rows.set(k, (row = { type: 'sla.summary', policyId: e.policyId, metric: e.metric, clocks: 0, met: 0, breached: 0, running: 0, attainment: null }));
      row.clocks++;
      if (e.status === 'met') row.met++;
      else if (e.status === 'breached') row.breached++;
      else if (e.status === 'running') row.running++;
    }
    const order = (p: string | null) => (p === null ? Number.MAX_SAFE_INTEGER : (policies.byId.get(p)?.index ?? Number.MAX_SAFE_INTEGER - 1));
    return [...rows.values()]
      .map((r) => ({ ...r, attainment: r.met + r.breached > 0 ? r.met / (r.met + r.breached) : null }))
      .sort((a, b) => order(a.policyId) - order(b.policyId) || String(a.policyId).localeCompare(String(b.policyId)) || SlaMetric.options.indexOf(a.metric) - SlaMetric.options.indexOf(b.metric));
  }
}
