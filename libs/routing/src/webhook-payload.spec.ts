import { RoutingConfig } from './config';
import { mergeRequest } from './merge';
import { T0, reason, request } from './test-fixtures';
import { retryDelayMs, slackPayload } from './webhook-payload';

describe('slackPayload', () => {
  const e = mergeRequest(undefined, request([reason('negative_emotion', 'm1', {
    detail: 'call +49 170 1234567 or mail jane@example.com <!channel>',
    evidence: [{ cue: 'unacceptable', kind: 'lexicon', text: 'unacceptable' }],
  })], { customer: { id: 'cust-42', tier: 'vip' } }), RoutingConfig.parse({}), T0).escalation;

  it('is Slack-compatible: a fallback text and blocks', () => {
    const p = slackPayload({ ...e, assignee: { kind: 'agent', id: 'a1' } }, 1);
    expect(p.text).toMatch(/MEDIUM escalation on chat conversation conv-1 \(team support, step 1, agent a1\)/);
    expect(p.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'MEDIUM escalation' } });
    expect(p.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section']);
  });

  it('masks personal data, escapes mentions and leaves out the customer id', () => {
    const json = JSON.stringify(slackPayload(e, 0));
    expect(json).not.toMatch(/1234567|jane@example\.com|cust-42|<!channel>/);
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('unacceptable');
  });

  it('keeps ids whole: a digit run in an escalation or conversation id is not a phone number', () => {
    const id = 'esc-cadc07ff3b21105007506155-1';
    const p = slackPayload({ ...e, escalationId: id, conversationId: 'chatwoot:1:20475550123' }, 0);
    expect(JSON.stringify(p)).toContain(id);
    expect(p.text).toContain('conversation chatwoot:1:20475550123');
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base, is capped, and adds at most 20 % jitter', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 100, 1000, () => 0))).toEqual([100, 200, 400, 800]);
    expect(retryDelayMs(10, 100, 1000, () => 0)).toBe(1000);
    expect(retryDelayMs(1, 100, 1000, () => 1)).toBe(120);
  });
});
