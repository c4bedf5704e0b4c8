import { luhnValid, maskPersonalData } from './pii-mask';

describe('maskPersonalData', () => {
  it('masks e-mail addresses', () => {
    expect(maskPersonalData('write to max.mustermann+cx@example.co.uk now')).toBe('write to [email] now');
  });

  it('masks phone numbers in common formats', () => {
    expect(maskPersonalData('Ruf mich an: +49 30 12345678')).toBe('Ruf mich an: [phone]');
    expect(maskPersonalData('call (555) 123-4567 please')).toBe('call [phone] please');
    expect(maskPersonalData('Tel. 0171/1234567.')).toBe('Tel. [phone].');
    expect(maskPersonalData('0049 89 123 456 78')).toBe('[phone]');
  });

  it('masks IBANs, with or without spaces', () => {
    expect(maskPersonalData('IBAN DE89 3704 0044 0532 0130 00 bitte')).toBe('IBAN [iban] bitte');
    expect(maskPersonalData('iban: DE89370400440532013000')).toBe('iban: [iban]');
    expect(maskPersonalData('GB29 NWBK 6016 1331 9268 19')).toBe('[iban]');
  });

  it('masks Luhn-valid card numbers only as cards', () => {
    expect(luhnValid('4111 1111 1111 1111')).toBe(true);
    expect(luhnValid('4111 1111 1111 1112')).toBe(false);
    expect(maskPersonalData('card 4111 1111 1111 1111 was charged')).toBe('card [card] was charged');
    expect(maskPersonalData('card 4111-1111-1111-1111')).toBe('card [card]');
    expect(maskPersonalData('my card 5500005555555559.')).toBe('my card [card].');
  });

  it('keeps dates, times, amounts and short numbers', () => {
    const s = 'seit 24.12.2026 warte ich, Termin 2026-12-24 um 15:00, 2 hours, flight 1234, 1.234.567,89 EUR';
    expect(maskPersonalData(s)).toBe(s);
    expect(maskPersonalData('open 08:00-18:00')).toBe('open 08:00-18:00');
  });

  it('handles empty and odd input without throwing', () => {
    expect(maskPersonalData('')).toBe('');
    expect(maskPersonalData(undefined as unknown as string)).toBe('');
    expect(maskPersonalData('\u0000\uffff@@@')).toBe('\u0000\uffff@@@');
    expect(maskPersonalData('1'.repeat(10_000)).length).toBeLessThanOrEqual(10_000);
  });

  it('masks several items in one text', () => {
    expect(maskPersonalData('a@b.de, +49 170 1234567, DE89370400440532013000'))
      .toBe('[email], [phone], [iban]');
  });

  it('is fast on ordinary text', () => {
    const s = 'My order has not arrived for 3 weeks, call me on +1 415 555 0100 or mail me at x@y.com';
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 20_000; i++) maskPersonalData(s);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(ms).toBeLessThan(2000);
  });
});
