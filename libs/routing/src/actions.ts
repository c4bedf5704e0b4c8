import type { Escalation, Reason } from '@cx/contracts';

/**
 * Suggested actions (principle 8): what to do, not only what is wrong. Stable ids let a dashboard
 * or a webhook render them, translate them or count how often each one is suggested.
 */
export const ACTIONS = {
  supervisorTakeover: 'Supervisor take-over: a supervisor takes the conversation over now.',
  apologise: 'Apologise: acknowledge the problem and the customer\'s frustration in your own words.',
  callBack: 'Offer a call back: an e-mail complaint is settled faster on the phone.',
  honourPromise: 'Honour the promise: do what was promised before it is due, or tell the customer now when it will happen.',
  brokenPromise: 'A promise was broken: apologise for it, give a new time you can keep, and keep it.',
  retention: 'Retention: the customer is at risk of leaving; make a retention offer (goodwill credit, better plan) and take ownership.',
  cancellation: 'The customer threatens to cancel: listen, solve the cause first, then make a retention offer.',
  legal: 'Legal threat: involve a supervisor, stay factual, do not admit liability in writing.',
  respondNow: 'Respond now: the response time promised to the customer is running out or over.',
  resolutionAtRisk: 'Resolution time at risk: give a concrete next step and a date for the fix.',
  queueCallBack: 'Call the customer back: they waited too long in the phone queue.',
  endedNegative: 'Follow up: the conversation ended while the customer was still upset; reach out once more.',
  changeApproach: 'Change the approach: the customer has been upset for several messages; summarise what you understood and take ownership.',
  readContext: 'Read the recent interactions first: do not make the customer tell the story again.',
  checkPromises: 'Check the open promises before replying.',
  explainBill: 'Go through the bill with the customer line by line and correct what is wrong.',
  provisioning: 'Check the order and provisioning status and give a concrete date.',
  hotlineWait: 'Acknowledge the long wait on the hotline; offer a call back instead of another queue.',
  outage: 'Confirm the outage, say what is being done and when the next update comes.',
  refund: 'Check the refund eligibility and tell the customer the amount and the date.',
} as const;
export type ActionId = keyof typeof ACTIONS;

const APOLOGY_CODES = new Set<Reason['code']>([
  'negative_emotion', 'negative_streak', 'ended_negative', 'complaint_intent', 'sla_breached', 'customer_at_risk',
]);

/** Action ids for an escalation, most urgent first, without duplicates. */
export function suggestActionIds(e: Pick<Escalation, 'severity' | 'reasons' | 'intents' | 'channel' | 'context'>): ActionId[] {
  const out: ActionId[] = [];
  const add = (id: ActionId) => { if (!out.includes(id)) out.push(id); };
  const codes = new Set(e.reasons.map((r) => r.code));
  const sla = e.reasons.filter((r) => r.sla !== undefined);
  const intents = new Set(e.intents);
  const complaint = intents.size > 0 || codes.has('complaint_intent');

  if (e.severity === 'critical') add('supervisorTakeover');
  if ([...codes].some((c) => APOLOGY_CODES.has(c)) || complaint) add('apologise');
  if (sla.some((r) => r.code === 'sla_breached' && r.sla!.metric === 'promise')) add('brokenPromise');
  else if (sla.some((r) => r.sla!.metric === 'promise')) add('honourPromise');
  if (e.channel === 'email' && (complaint || codes.has('negative_emotion') || codes.has('negative_streak'))) add('callBack');
  if (intents.has('legal_threat')) add('legal');
  if (intents.has('cancellation_threat')) add('cancellation');
  if (codes.has('customer_at_risk') || intents.has('cancellation_threat')) add('retention');
  if (sla.some((r) => r.sla!.metric === 'firstResponse' || r.sla!.metric === 'nextResponse')) add('respondNow');
  if (sla.some((r) => r.sla!.metric === 'resolution')) add('resolutionAtRisk');
  if (sla.some((r) => r.sla!.metric === 'queueWait')) add('queueCallBack');
  if (intents.has('hotline_wait')) add('hotlineWait');
  if (intents.has('outage')) add('outage');
  if (intents.has('unclear_bill')) add('explainBill');
  if (intents.has('provisioning')) add('provisioning');
  if (intents.has('refund')) add('refund');
  if (codes.has('ended_negative')) add('endedNegative');
  if (codes.has('negative_streak')) add('changeApproach');
  if (e.context.openPromises.length > 0 && !out.includes('honourPromise') && !out.includes('brokenPromise')) add('checkPromises');
  if (e.context.recentInteractions.length > 1) add('readContext');
  return out;
}

/** Suggested actions as the text shown to people (the `suggestedActions` of an escalation). */
export function suggestActions(e: Pick<Escalation, 'severity' | 'reasons' | 'intents' | 'channel' | 'context'>): string[] {
  return suggestActionIds(e).map((id) => ACTIONS[id]);
}
