import { makeEvent, Topics, type CustomerContribution } from '@cx/contracts';
import { applyCustomerContribution, type CustomerRiskState } from '@cx/emotion';
import type { OutEvent } from '@cx/runtime';
import { causeId, escalationRequest, reason, SOURCE } from './emotion-events';
import type { TenantEmotion } from './tenant-emotion.config';

/**
 * Pure: one contribution to a customer's decaying score. Crossing the threshold yields
 * `cx.signal.customer_at_risk.v1` and an escalation request on the conversation that tipped it.
 */
export function customerRiskStep(prev: CustomerRiskState | undefined, e: CustomerContribution, t: TenantEmotion): { state: CustomerRiskState; outputs: OutEvent[] } {
  const d = e.data;
  const r = applyCustomerContribution(prev, { at: d.at, channel: d.channel, negative: d.negative, intents: d.intents, endedNegative: d.endedNegative }, t.customerRisk);
  if (!r.atRisk) return { state: r.state, outputs: [] };
  // The signal belongs to the conversation that tipped the score (key = conversation id).
  const cause = { ...e, subject: d.fromConversationId };
  const signal = makeEvent({
    type: 'cx.signal.customer_at_risk.v1', source: SOURCE, subject: d.fromConversationId, tenantid: e.tenantid, time: d.at, id: causeId(e, 'customer_at_risk'), cause: e,
    data: { conversationId: d.fromConversationId, channel: d.channel, customerId: d.customerId, score: r.atRisk.score, threshold: r.atRisk.threshold, channels: r.atRisk.channels },
  });
  return {
    state: r.state,
    outputs: [
      { topic: Topics.signals, event: signal },
      escalationRequest({ ...cause, time: d.at }, 'customer_at_risk', {
        channel: d.channel, intents: d.intents, customer: { id: d.customerId },
        reasons: [reason('customer_at_risk', `frustration building up across ${r.atRisk.channels.join(', ') || 'conversations'} (score ${r.atRisk.score.toFixed(1)} ≥ ${r.atRisk.threshold})`, d.at, signal.id, d.evidence)],
      }),
    ],
  };
}
