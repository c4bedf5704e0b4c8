// The defensive readers: every time format the platforms send, both spellings of a field, ids as
// numbers or strings, and nothing that throws on odd input.
import { field, instant, lastSegment, priorityOf, str, tagList } from './payload-fields';

describe('payload readers', () => {
  it.each([
    [1772442902, '2026-03-02T09:15:02.000Z'],
    [1772442902.418, '2026-03-02T09:15:02.418Z'],
    [1772442902418, '2026-03-02T09:15:02.418Z'],
    ['1772442902', '2026-03-02T09:15:02.000Z'],
    ['2026-03-02T09:15:02.418Z', '2026-03-02T09:15:02.418Z'],
    ['2026-03-02T10:15:02+01:00', '2026-03-02T09:15:02.000Z'],
    ['2025-01-08T14:25:30.123456789Z', '2025-01-08T14:25:30.123Z'],
    ['2020-03-03 13:05:57 UTC', '2020-03-03T13:05:57.000Z'],
    ['Mon, 16 Aug 2010 03:45:01 +0000', '2010-08-16T03:45:01.000Z'],
  ])('reads the time %j', (input, expected) => {
    expect(instant(input)).toBe(expected);
  });

  it.each([[undefined], [null], [''], ['yesterday'], [{}], [-5], [Number.NaN], [1e20]])('gives up on %j without throwing', (input) => {
    expect(instant(input)).toBeUndefined();
  });

  it('reads fields case-insensitively, first name first, ids as text', () => {
    const o = { AgentInfo: { AgentArn: 'arn:aws:connect:x:1:instance/i/agent/a-7' }, callSid: 'CA1', id: 42, empty: '' };
    expect(str(o, 'CallSid')).toBe('CA1');
    expect(str(field(o, 'agentInfo'), 'agentArn')).toBe('arn:aws:connect:x:1:instance/i/agent/a-7');
    expect(str(o, 'id')).toBe('42');
    expect(str(o, 'empty')).toBeUndefined();
    expect(field('not an object', 'x')).toBeUndefined();
    expect(lastSegment('arn:aws:connect:x:1:instance/i/agent/a-7')).toBe('a-7');
  });

  it('reads tag lists and priorities the platforms write', () => {
    expect(tagList(['a', 'b'])).toEqual(['a', 'b']);
    expect(tagList('billing enterprise')).toEqual(['billing', 'enterprise']);
    expect(tagList([{ name: 'vip' }, 3])).toEqual(['vip', '3']);
    expect(tagList(undefined)).toBeUndefined();
    expect([priorityOf('HIGH'), priorityOf('medium'), priorityOf('Urgent'), priorityOf('none'), priorityOf(null)]).toEqual(['high', 'normal', 'urgent', undefined, undefined]);
  });
});
