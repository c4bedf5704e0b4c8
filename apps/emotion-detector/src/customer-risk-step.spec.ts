import { CustomerContributionV1, type CustomerContribution } from '@cx/contracts';
import type { CustomerRiskState } from '@cx/emotion';
import { customerRiskStep } from './customer-risk-step';
import { TenantEmotionConfig } from './tenant-emotion.config';

const tenant = TenantEmotionConfig.load(undefined).forTenant('default');
const contribution = (i: number, channel: 'chat' | 'email', at: string): CustomerContribution => CustomerContributionV1.parse({
  specversion: '1.0', id: `c${i}`, source: 'urn:cx:emotion-detector', type: 'cx.emotion.customer_contribution.v1', time: at, subject: 'k1',
  data: { customerId: 'k1', fromConversationId: `conv-${channel}`, channel, at, negative: true },
});

describe('customerRiskStep', () => {
  it('signals once when negative contributions across channels cross the threshold', () => {
    let state: CustomerRiskState | undefined;
    const fired: string[][] = [];
    // Three negatives minutes apart decay to just under the threshold of 3; the fourth crosses it.
    ['chat', 'email', 'chat', 'email', 'chat'].forEach((ch, i) => {
      const r = customerRiskStep(state, contribution(i, ch as 'chat' | 'email', `2026-03-02T10:0${i}:00.000Z`), tenant);
      state = r.state;
      fired.push(r.outputs.map((o) => o.event.type));
    });
    expect(fired).toEqual([[], [], [], ['cx.signal.customer_at_risk.v1', 'cx.escalation.requested.v1'], []]);
  });

  it('lets old frustration decay: contributions weeks apart never cross', () => {
    let state: CustomerRiskState | undefined;
    for (let i = 0; i < 3; i++) {
      const r = customerRiskStep(state, contribution(i, 'chat', `2026-03-${String(1 + i * 14).padStart(2, '0')}T10:00:00.000Z`), tenant);
      state = r.state;
      expect(r.outputs).toEqual([]);
    }
  });

  it('keys the at-risk signal by the conversation that tipped the score', () => {
    let state: CustomerRiskState | undefined;
    let out: ReturnType<typeof customerRiskStep> | undefined;
    for (let i = 0; i < 4; i++) out = customerRiskStep(state, contribution(i, 'email', `2026-03-02T10:0${i}:00.000Z`), tenant), state = out.state;
    expect(out!.outputs[0].event.subject).toBe('conv-email');
    expect((out!.outputs[1].event as unknown as { data: { reasons: { code: string }[] } }).data.reasons[0].code).toBe('customer_at_risk');
  });
});
