import { deterministicId, makeEvent, Topics, type Evidence, type Priority } from '@cx/contracts';
import type { OutEvent } from '@cx/runtime';
import { fire, openPromises, timersOf, toSlaEvent, SLA_SOURCE, type PolicySet, type SlaCompletion, type SlaFiring, type SlaPeriod, type SlaState } from '@cx/sla';

export type EscalateOn = 'breach' | 'warning';

const METRIC_TEXT: Record<string, string> = {
  firstResponse: 'first response', nextResponse: 'next response', resolution: 'resolution', queueWait: 'queue wait', promise: 'promise',
};

function human(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

/** Periods as evidence, so the router and the dashboard show why the clock was not counting. */
function periodEvidence(periods: SlaPeriod[], kind: string, text: string): Evidence[] {
  return periods.map((p) => ({ cue: `${p.from}/${p.to}`, kind, text }));
}

/**
 * The events of one firing: the `cx.sla.*` event (id = the engine's cause id) and, for breaches
 * (and warnings when configured), a `cx.escalation.requested.v1` whose id derives from the cause
 * id, so a re-emission after a crash carries the same ids.
 */
export function firingOutputs(f: SlaFiring, state: SlaState | undefined, escalateOn: EscalateOn): OutEvent[] {
  const out: OutEvent[] = [{ topic: Topics.sla, event: toSlaEvent(f) }];
  if (f.kind === 'warning' && escalateOn !== 'warning') return out;
  const d = f.data;
  const what = `${METRIC_TEXT[d.metric]}${d.promiseId ? ` ${d.promiseId}` : ''}`;
  const policy = d.policyId === null ? 'no policy' : `policy ${d.policyId}`;
  const detail = f.kind === 'breached'
    ? `${what} target of ${human(d.targetMs)} (${policy}) breached at ${d.at}`
    : `${what} at ${Math.round(d.threshold * 100)} % of ${human(d.targetMs)} (${policy}), due ${d.dueAt}`;
  const counts = [
    d.pausedPeriods.length ? `${d.pausedPeriods.length} paused period(s)` : '',
    d.outOfHoursPeriods.length ? `${d.outOfHoursPeriods.length} out-of-hours period(s)` : '',
  ].filter(Boolean);
  const promises = state ? openPromises(state) : [];
  const tier = state?.a?.t;
  const attrs = { ...(state?.a?.p ? { priority: state.a.p as Priority } : {}), ...(state?.a?.q ? { queue: state.a.q } : {}) };
  const event = makeEvent({
    type: 'cx.escalation.requested.v1' as const,
    id: deterministicId('sla-escalation', f.id),
    source: SLA_SOURCE,
    subject: f.conversationId,
    time: d.at,
    tenantid: f.tenantid,
    cause: f.trace,
    data: {
      conversationId: f.conversationId,
      ...(d.channel ? { channel: d.channel } : {}),
      detector: 'sla-monitor' as const,
      reasons: [{
        code: f.kind === 'breached' ? ('sla_breached' as const) : ('sla_warning' as const),
        detail: `${detail}${counts.length ? ` (${counts.join(', ')} not counted)` : ''}`.slice(0, 1000),
        at: d.at,
        causeId: f.id,
        evidence: [
          ...periodEvidence(d.pausedPeriods, 'sla_paused', 'clock paused (pending customer, on hold, or resolved until reopened)'),
          ...periodEvidence(d.outOfHoursPeriods, 'sla_out_of_hours', 'outside business hours (not counted)'),
        ],
        sla: { policyId: d.policyId, metric: d.metric, dueAt: d.dueAt, threshold: d.threshold },
      }],
      intents: [],
      customer: tier ? { tier } : {},
      ...(promises.length || Object.keys(attrs).length ? { context: { ...attrs, ...(promises.length ? { openPromises: promises } : {}) } } : {}),
    },
  });
  out.push({ topic: Topics.escalations, event });
  return out;
}

/** Every threshold due by `cutoff`, in due order across the conversation's clocks, and its events. */
export function fireDue(conversationId: string, state: SlaState, cutoff: number, policies: PolicySet, escalateOn: EscalateOn): { state: SlaState; events: OutEvent[]; completions: SlaCompletion[] } {
  const events: OutEvent[] = [];
  const completions: SlaCompletion[] = [];
  for (let guard = 0; guard < 256; guard++) {
    // The earliest due timer (the first of equal instants, in the state's clock order).
    let due: ReturnType<typeof timersOf>[number] | undefined;
    for (const t of timersOf(conversationId, state, policies)) if (t.dueAt <= cutoff && (!due || t.dueAt < due.dueAt)) due = t;
    if (!due) break;
    const r = fire(state, due, policies);
    if (r.stale) break;
    state = r.state;
    for (const f of r.firings) events.push(...firingOutputs(f, state, escalateOn));
    completions.push(...r.completions);
  }
  return { state, events, completions };
}
