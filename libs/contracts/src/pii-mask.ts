/**
 * Masks personal data (docs/contract.md, Personal data) before text is analysed or fans out as
 * evidence, logs or notifications. Pure and fast: a cheap pre-check, then four regex passes, no I/O.
 * Order matters: e-mail first (it may contain digits), then IBAN, then card numbers, then phones.
 *
 * Over-masking is preferred to leaking: an address, IBAN, card or phone number is replaced whole,
 * in any case and with the separators people type (spaces, dots, dashes, slashes, "(0)"), so no
 * piece of it survives next to the placeholder. IBANs are masked by shape (country code, check
 * digits, 11-30 alphanumerics) without the mod-97 check; 13-15 digit runs are cards when
 * Luhn-valid; 16-19 digit runs are masked as cards whatever their checksum.
 * Kept: dates (24.12.2026, 2026-12-24, with a time), times and time ranges, amounts
 * (1.234.567,89 / 1,234,567.89 / 1 234 567 EUR) and short numbers ("2 hours", "flight 1234").
 */

/**
 * Local part: letters of any script (umlauts), digits and the usual . _ % + - ' , at most 128 of them
 * (RFC 5321 allows 64): the bound keeps a failing match linear, so a long text of letters and '@'s
 * cannot make masking quadratic. Domain: IDN labels.
 */
const EMAIL = /[\p{L}\p{M}\p{N}._%+\-']{1,128}@[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}\-]*[\p{L}\p{M}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}\-]*[\p{L}\p{M}\p{N}])?)*\.\p{L}[\p{L}\p{M}\p{N}\-]{1,62}/gu;
/** Country code, check digits, then groups of up to four alphanumerics with optional separators. */
const IBAN = /(?<![\p{L}\p{N}])[A-Z]{2}[ .\-]?\d{2}(?:[ \t.\-\u00a0]{0,2}[A-Z0-9]{4}){2,7}(?:[ \t.\-\u00a0]{0,2}[A-Z0-9]{1,3})?(?![\p{L}\p{N}])/giu;
const CARD = /(?<![\p{N}]|[\p{N}][.,])\d(?:[ .\-]?\d){12,18}(?!\p{N})/gu;
const PHONE = /(?<![\p{L}\p{N}_]|[\p{N}][.,])(?:\+|00)?\(?\d[\d \u00a0()./\-]{5,26}\d(?![\p{L}\p{N}_])/gu;
const DATE_LIKE = /^(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2})$/;
const TIME_LIKE = /^\d{1,2}(?:[.:]\d{2})?$/;
const TIME_RANGE = /^\d{1,2}[.:]\d{2}\s*-\s*\d{1,2}[.:]\d{2}$/;
const DATE_RANGE = /^(\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})\s*[-/]\s*(\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})$/;
const AMOUNT = /^\d{1,3}(?:\.\d{3})+(?:,\d{2})?$|^\d{1,3}(?:,\d{3})+(?:\.\d{2})?$/;
const AMOUNT_SPACED = /^\d{1,3}(?:[ \u00a0.]\d{3})+$/;
const CURRENCY_AFTER = /^(?:[,.]\d{1,2})?\s?(?:€|\$|£|eur\b|euro|usd\b|gbp\b|chf\b|dollar|pfund|franken)/i;

export const PII_PLACEHOLDERS = {
  email: '[email]',
  phone: '[phone]',
  iban: '[iban]',
  card: '[card]',
} as const;

/** Luhn checksum over the digits of `s` (separators ignored). */
export function luhnValid(s: string): boolean {
  let sum = 0;
  let dbl = false;
  let n = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    n++;
    let d = c;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return n >= 12 && sum % 10 === 0;
}

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** True when there may be something to mask: an '@', or at least 7 digits. One pass, no allocation. */
export function mayContainPersonalData(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x40) return true;
    if (c >= 48 && c <= 57 && ++digits >= 7) return true;
  }
  return false;
}

/**
 * Could an '@' be inside an address? Only when a local-part character precedes it and a '.' follows
 * before the next space: "@united" and "@ 5pm" cannot, so tweets full of @handles skip the e-mail regex.
 */
function mayContainEmail(text: string): boolean {
  let at = text.indexOf('@');
  while (at >= 0) {
    const b = text.charCodeAt(at - 1);
    if (at > 0 && b > 0x20 && b !== 0x40 && b !== 0x3a && b !== 0x28 && b !== 0x5b) {
      for (let j = at + 1; j < text.length && j < at + 256; j++) {
        const c = text.charCodeAt(j);
        if (c === 0x2e) return true;
        if (c <= 0x20) break;
      }
    }
    at = text.indexOf('@', at + 1);
  }
  return false;
}

/** Dates, times, ranges and amounts that the phone pattern can also match. */
function keepNumber(t: string, rest: string): boolean {
  if (DATE_LIKE.test(t) || TIME_RANGE.test(t) || DATE_RANGE.test(t) || AMOUNT.test(t)) return true;
  if (AMOUNT_SPACED.test(t) && CURRENCY_AFTER.test(rest)) return true;
  // "24.12.2026 15" (a date and the hour of a time): every chunk is a date or a time.
  const parts = t.split(/\s+/);
  return parts.length > 1 && parts.every((p) => DATE_LIKE.test(p) || TIME_LIKE.test(p)) && parts.some((p) => DATE_LIKE.test(p));
}

function maskPhone(m: string, offset: number, whole: string): string {
  const t = m.trim();
  const digits = countDigits(t);
  if (digits < 7 || digits > 17) return m;
  if (keepNumber(t, whole.slice(offset + m.length))) return m;
  return PII_PLACEHOLDERS.phone;
}

/** Replace phone numbers, e-mail addresses, IBANs and card numbers with typed placeholders. */
export function maskPersonalData(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return '';
  const digits = countDigits(text);
  const at = text.indexOf('@') >= 0;
  if (!at && digits < 7) return text;
  let out = text;
  if (at && mayContainEmail(out)) {
    out = out.replace(EMAIL, PII_PLACEHOLDERS.email);
    if (countDigits(out) < 7) return out;
  } else if (digits < 7) return out;
  out = out.replace(IBAN, (m) => (countDigits(m) >= 8 ? PII_PLACEHOLDERS.iban : m));
  out = out.replace(CARD, (m, offset: number, whole: string) => {
    if (keepNumber(m, whole.slice(offset + m.length))) return m;
    // Card numbers never start with 0; "+49 ..." and "0049 ..." are phones even when Luhn-valid.
    const phoneLike = m.charCodeAt(0) === 0x30 || whole.charCodeAt(offset - 1) === 0x2b || whole.charCodeAt(offset - 1) === 0x28;
    if (!phoneLike && (countDigits(m) >= 16 || luhnValid(m))) return PII_PLACEHOLDERS.card;
    return maskPhone(m, offset, whole);
  });
  return out.replace(PHONE, maskPhone);
}

/** Where the placeholders are in a masked text: [start, end) pairs, for analysers that must skip them. */
export function placeholderSpans(masked: string): number[] {
  const spans: number[] = [];
  let i = masked.indexOf('[');
  while (i >= 0) {
    for (const p of [PII_PLACEHOLDERS.email, PII_PLACEHOLDERS.phone, PII_PLACEHOLDERS.iban, PII_PLACEHOLDERS.card]) {
      if (masked.startsWith(p, i)) {
        spans.push(i, i + p.length);
        break;
      }
    }
    i = masked.indexOf('[', i + 1);
  }
  return spans;
}
