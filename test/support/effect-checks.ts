/*
 * What a load run must have caused, counted by ids (shared by the single-node and the cluster
 * fault tests): a signal per message, one escalation request per flagged message, one escalation
 * per flagged conversation raised once, and one warning and one breach per SLA clock.
 */
import type { Received } from './kafka-test-client';
import { waitFor } from './wait-for';

export const distinct = (ms: Received[], f: (m: Received) => string | undefined) => new Set(ms.map(f).filter(Boolean));

export const emotionSignals = (signals: Received[]) => signals.filter((m) => m.json?.type === 'cx.signal.emotion.v1');
export const flagged = (m: Received) => m.json!.data.negative === true || (m.json!.data.intents as string[]).length > 0;

/** Waits until every message of `messageIds` has its emotion signal. */
export async function expectSignalForEvery(signals: Received[], messageIds: string[], timeoutMs = 90_000): Promise<void> {
  const want = new Set(messageIds);
  const seen = () => distinct(emotionSignals(signals).filter((m) => want.has(m.json!.data.messageId as string)), (m) => m.json!.data.messageId as string);
  await waitFor(`a signal for every one of ${want.size} messages`, () => {
    const n = seen().size;
    if (n < want.size) throw new Error(`${n} seen`); // waitFor reports the last count
    return true;
  }, timeoutMs, 200);
}

/**
 * Expectations come from what the detector said (these tests check delivery, not detection):
 * every flagged message has exactly one escalation request (matched by cause id), and every
 * conversation with a flag has exactly one escalation, raised once (counted by ids).
 */
export async function expectEffectsOnce(signals: Received[], escalations: Received[], subjects?: Set<string>): Promise<void> {
  const flags = emotionSignals(signals).filter((m) => !subjects || subjects.has(m.json!.subject)).filter(flagged);
  const flaggedIds = new Set(flags.map((m) => m.json!.id));
  const messageRequests = () => escalations.filter((m) => m.json?.type === 'cx.escalation.requested.v1'
    && (m.json.data.reasons as { code: string; causeId: string }[]).some((r) => flaggedIds.has(r.causeId)));
  await waitFor('a request per flagged message', () => distinct(messageRequests(), (m) => m.json!.id).size >= flaggedIds.size, 60_000, 200);
  expect(distinct(messageRequests(), (m) => m.json!.id).size).toBe(flaggedIds.size);
  const upset = new Set(flags.map((m) => m.json!.subject));
  const raised = () => bySubject(escalations.filter((m) => m.json?.type === 'cx.escalation.raised.v1' && upset.has(m.json.subject)));
  await waitFor('an escalation for every flagged conversation', () => raised().size === upset.size, 60_000, 200);
  const all = raised();
  for (const conv of upset) {
    const forConv = all.get(conv) ?? [];
    expect({ conv, escalationIds: distinct(forConv, (m) => m.json!.data.escalationId as string).size }).toEqual({ conv, escalationIds: 1 });
    expect({ conv, eventIds: distinct(forConv, (m) => m.json!.id).size }).toEqual({ conv, eventIds: 1 });
  }
}

/**
 * Records grouped by conversation, in one pass: the checks looked each conversation up in every
 * record (conversations x records), which stalled the jest process for seconds once the runs
 * had collected tens of thousands of records, while it also produced the load and timed /health.
 */
function bySubject(ms: Received[]): Map<string, Received[]> {
  const out = new Map<string, Received[]>();
  for (const m of ms) {
    const k = m.json!.subject;
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(m);
  }
  return out;
}

/**
 * Every conversation's first-response clock (a customer message, no agent reply) fires exactly
 * one warning and one breach, at the instants the policy puts them, counted by ids; each breach
 * raises its conversation's escalation once.
 */
export async function expectSlaOnce(sla: Received[], escalations: Received[], conversations: string[], timeoutMs = 90_000): Promise<void> {
  const convs = new Set(conversations);
  const mine = () => sla.filter((m) => convs.has(m.json?.subject ?? ''));
  const kinds = ['cx.sla.warning.v1', 'cx.sla.breached.v1'];
  await waitFor(`a warning and a breach for each of ${convs.size} conversations`, () => {
    const got = new Set(mine().filter((m) => kinds.includes(m.json!.type)).map((m) => `${m.json!.subject} ${m.json!.type}`));
    return got.size === convs.size * 2;
  }, timeoutMs, 200);
  const fired = bySubject(mine());
  for (const conv of convs) {
    for (const type of kinds) {
      const events = (fired.get(conv) ?? []).filter((m) => m.json!.type === type && m.json!.data.metric === 'firstResponse');
      expect({ conv, type, ids: distinct(events, (m) => m.json!.id).size }).toEqual({ conv, type, ids: 1 });
      expect({ conv, type, instants: distinct(events, (m) => m.json!.data.at as string).size }).toEqual({ conv, type, instants: 1 });
    }
  }
  const raised = () => bySubject(escalations.filter((m) => m.json?.type === 'cx.escalation.raised.v1' && convs.has(m.json.subject)));
  await waitFor('an escalation for every breached conversation', () => raised().size === convs.size, 60_000, 200);
  const all = raised();
  for (const conv of convs) {
    const forConv = all.get(conv) ?? [];
    expect({ conv, escalationIds: distinct(forConv, (m) => m.json!.data.escalationId as string).size }).toEqual({ conv, escalationIds: 1 });
  }
}
