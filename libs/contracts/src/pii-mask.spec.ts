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

  it('masks addresses whole in any case, with umlauts, IDN domains and plus tags', () => {
    expect(maskPersonalData('JULIA.SAUER@WEB.DE schreibt')).toBe('[email] schreibt');
    expect(maskPersonalData('an jürgen.müller+rechnung@müller-bau.de bitte')).toBe('an [email] bitte');
    expect(maskPersonalData('mail: Max_O-Neil@sub.example.co.uk.')).toBe('mail: [email].');
    expect(maskPersonalData('ju\u0308rgen@xn--mller-kva.de')).not.toMatch(/rgen|mller/);
  });

  it('masks IBANs with dots, dashes, double spaces and in lower case', () => {
    expect(maskPersonalData('DE89.3704.0044.0532.0130.00 bitte')).toBe('[iban] bitte');
    expect(maskPersonalData('de89-3704-0044-0532-0130-00')).toBe('[iban]');
    expect(maskPersonalData('FR14  2004  1010  0505  0001  3M02  606 merci')).toBe('[iban] merci');
    expect(maskPersonalData('DE 89 3704 0044 0532 0130 00')).toBe('[iban]');
  });

  it('masks international phone formats whole', () => {
    for (const p of ['+49 (0)30 1234 5678', '0049 30 12345678', '+1-415-555-0100', '0171/1234567', '+44 20 7946 0958',
      '(030) 123 4567', '+41 (0) 44 123 45 67', '+49.171.1234567']) {
      expect(maskPersonalData(`Tel.${p}, danke`)).toBe('Tel.[phone], danke');
    }
    // Luhn-valid by chance, but a leading 0 or + makes it a phone number, not a card.
    expect(maskPersonalData('0049 30 17429736')).toBe('[phone]');
  });

  it('masks long card-shaped digit runs even when they fail the Luhn check', () => {
    expect(maskPersonalData('Karte 4111 1111 1111 1112 gesperrt')).toBe('Karte [card] gesperrt');
    expect(maskPersonalData('amex 3782-822463-10005')).toBe('amex [card]');
  });

  it('keeps date ranges, dates with times and spaced amounts', () => {
    for (const s of ['vom 24.12.2026-31.12.2026 geschlossen', 'am 24.12.2026 15:00 Uhr', 'Betrag 1 234 567 EUR', 'total 1 234 567,89 €',
      'Termin 2026-12-24 15:30', 'order 123456 from 12.01.2026']) {
      expect(maskPersonalData(s)).toBe(s);
    }
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

  it('stays linear on hostile input (long runs of letters before an "@")', () => {
    const t0 = process.hrtime.bigint();
    maskPersonalData(`${'a'.repeat(20_000)}@.x ${'b'.repeat(5000)}@-.`);
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(200);
  });

  it('is fast on ordinary text', () => {
    const s = 'My order has not arrived for 3 weeks, call me on +1 415 555 0100 or mail me at x@y.com';
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 20_000; i++) maskPersonalData(s);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(ms).toBeLessThan(2000);
  });
});
