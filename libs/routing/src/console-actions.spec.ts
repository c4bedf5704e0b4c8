import type { Actor, Escalation } from '@cx/contracts';
import { RoutingConfig } from './config';
import { ActionError, addNote, feedbackLabel, MAX_NOTES, reassign, reassignTarget, recordFeedback, takeOver } from './console-actions';
import { AgentIndex } from './agent-index';
import { acknowledge, mergeRequest, resolve } from './merge';
import { T0, agent, at, reason, request } from './test-fixtures';

const config = RoutingConfig.parse({});
const sup: Actor = { id: 'sup-1', role: 'supervisor' };
const a1: Actor = { id: 'a1', role: 'agent' };

function esc(over: Partial<Escalation> = {}): Escalation {
  const e = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), config, T0).escalation;
  return { ...e, assignee: { kind: 'agent', id: 'a1' }, ...over };
}

const directory = [
  agent('a1', { load: 1 }), agent('a2', { load: 0 }), agent('b1', { teams: ['billing'], load: 2 }),
  agent('s1', { role: 'supervisor' }), agent('off', { status: 'offline' }),
];

const kindOf = (f: () => unknown) => { try { f(); } catch (e) { return (e as ActionError).kind; } return 'none'; };

describe('reassignTarget', () => {
  it('goes to the named agent, keeping the team they belong to', () => {
    expect(reassignTarget(esc(), { agentId: 'a2' }, directory, config)).toEqual({ assignee: { kind: 'agent', id: 'a2' }, team: 'support' });
  });
  it('moves to the agent\'s own team when they are not in the escalation\'s team', () => {
    expect(reassignTarget(esc(), { agentId: 'b1' }, new AgentIndex(directory), config)).toEqual({ assignee: { kind: 'agent', id: 'b1' }, team: 'billing' });
  });
  it('names a supervisor as a supervisor', () => {
    expect(reassignTarget(esc(), { agentId: 's1' }, directory, config).assignee).toEqual({ kind: 'supervisor', id: 's1' });
  });
  it('routes within a named team', () => {
    expect(reassignTarget(esc(), { team: 'billing' }, directory, config)).toEqual({ assignee: { kind: 'agent', id: 'b1' }, team: 'billing' });
    expect(reassignTarget(esc(), { team: 'nobody-here' }, directory, config)).toEqual({ assignee: { kind: 'team', id: 'nobody-here' }, team: 'nobody-here' });
  });
  it('refuses unknown and offline agents and an empty request', () => {
    expect(kindOf(() => reassignTarget(esc(), { agentId: 'ghost' }, directory, config))).toBe('invalid');
    expect(kindOf(() => reassignTarget(esc(), { agentId: 'off' }, directory, config))).toBe('conflict');
    expect(kindOf(() => reassignTarget(esc(), {}, directory, config))).toBe('invalid');
  });
});

describe('reassign', () => {
  it('gives it to the new holder, open again at ladder step 0, the first acknowledgement time kept', () => {
    const acked = { ...acknowledge(esc({ ladderStep: 1 }), 'a1', at(1)) };
    const moved = reassign(acked, { assignee: { kind: 'agent', id: 'a2' }, team: 'support' }, at(2));
    expect(moved).toMatchObject({ status: 'open', assignee: { kind: 'agent', id: 'a2' }, ladderStep: 0, acknowledgedAt: at(1), updatedAt: at(2) });
    expect(moved.acknowledgedBy).toBeUndefined();
  });
  it('is a no-op when it already lies there, and refused once resolved', () => {
    const e = esc();
    expect(reassign(e, { assignee: { kind: 'agent', id: 'a1' }, team: 'support' }, at(1))).toBe(e);
    expect(kindOf(() => reassign(resolve(e, 's', at(1)), { assignee: { kind: 'agent', id: 'a2' }, team: 'support' }, at(2)))).toBe('conflict');
  });
});

describe('takeOver', () => {
  it('makes it the supervisor\'s, acknowledged by them', () => {
    const t = takeOver(esc(), sup, at(3));
    expect(t).toMatchObject({ status: 'acknowledged', assignee: { kind: 'supervisor', id: 'sup-1' }, acknowledgedBy: 'sup-1', acknowledgedAt: at(3) });
    expect(takeOver(t, sup, at(4))).toBe(t);
  });
  it('is for supervisors and admins only', () => {
    expect(kindOf(() => takeOver(esc(), a1, at(1)))).toBe('forbidden');
  });
});

describe('addNote', () => {
  it('appends a masked note and is idempotent by note id', () => {
    const { escalation, note } = addNote(esc(), { noteId: 'n1', text: '  called back on +49 30 1234567, mail john.smith@example.com ' }, sup, at(1));
    expect(note.text).toBe('called back on [phone], mail [email]');
    expect(escalation.notes).toEqual([{ noteId: 'n1', by: sup, at: at(1), text: note.text }]);
    expect(addNote(escalation, { noteId: 'n1', text: 'again' }, sup, at(2)).escalation).toBe(escalation);
  });
  it('refuses empty text, a full list and resolved escalations', () => {
    expect(kindOf(() => addNote(esc(), { noteId: 'n', text: '   ' }, sup, at(1)))).toBe('invalid');
    const full = esc({ notes: Array.from({ length: MAX_NOTES }, (_, i) => ({ noteId: `n${i}`, by: sup, at: T0, text: 'x' })) });
    expect(kindOf(() => addNote(full, { noteId: 'new', text: 'y' }, sup, at(1)))).toBe('conflict');
    expect(kindOf(() => addNote(resolve(esc(), 's', at(1)), { noteId: 'n', text: 'y' }, sup, at(2)))).toBe('conflict');
  });
});

describe('feedback', () => {
  const withMessages = esc({
    target: { team: 'support', language: 'de-DE', skills: [] },
    context: {
      recentInteractions: [], flags: [], openPromises: [],
      lastMessages: [
        { messageId: 'm1', at: at(0), text: 'Das ist eine Frechheit!', language: 'de', negative: true },
        { messageId: 'm2', at: at(1), text: 'Meine Nummer ist 0170 1234567', language: 'de', negative: false },
      ],
    },
  });

  it('labels the flagged message for a false alarm: negative false, masked, with language', () => {
    expect(feedbackLabel(withMessages, 'acme', 'not_negative', sup, at(5), { note: 'sarcasm? no' })).toEqual({
      tenant: 'acme', escalationId: withMessages.escalationId, conversationId: 'conv-1', messageId: 'm1',
      text: 'Das ist eine Frechheit!', language: 'de', verdict: 'not_negative', negative: false, by: 'sup-1', at: at(5), note: 'sarcasm? no',
    });
  });
  it('labels the newest unflagged message for a miss (negative true), masking what reaches the label', () => {
    const l = feedbackLabel(withMessages, 'acme', 'missed', sup, at(5))!;
    expect(l).toMatchObject({ messageId: 'm2', negative: true, verdict: 'missed', text: 'Meine Nummer ist [phone]' });
  });
  it('keeps the flag for a wrong reason, takes a named message, and refuses an unknown one', () => {
    expect(feedbackLabel(withMessages, 'acme', 'wrong_intent', sup, at(5), { messageId: 'm2' })).toMatchObject({ messageId: 'm2', negative: true });
    expect(kindOf(() => feedbackLabel(withMessages, 'acme', 'wrong_intent', sup, at(5), { messageId: 'nope' }))).toBe('invalid');
  });
  it('has no label without the customer\'s messages, but the verdict is recorded on the escalation', () => {
    expect(feedbackLabel(esc(), 'acme', 'not_negative', sup, at(5))).toBeUndefined();
    expect(recordFeedback(esc(), 'not_negative', sup, at(5), 'ruf an: 030 12345678').feedback).toEqual([
      { verdict: 'not_negative', by: sup, at: at(5), note: 'ruf an: [phone]' },
    ]);
  });
});
