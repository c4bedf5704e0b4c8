/**
 * Masks personal data (DESIGN.md §1, principle 7) before text fans out as evidence, logs or
 * notifications. Pure and fast: four regex passes, no I/O. Order matters: e-mail first (it may
 * contain digits), then IBAN, then payment cards (Luhn-checked), then phone numbers.
 *
 * Over-masking is preferred to leaking: IBANs are masked by shape (country code, check digits,
 * 11-30 alphanumerics) without the mod-97 check, so a mistyped IBAN is masked too. Card numbers
 * must pass the Luhn check; a digit run that fails it can still be masked as a phone number.
 * Dates (24.12.2026, 2026-12-24), times and short numbers ("2 hours", "flight 1234") are kept.
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}/g;
const IBAN = /\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?\b/gi;
const CARD = /(?<![\d.,])\d(?:[ -]?\d){12,18}(?![\d])/g;
const PHONE = /(?<![\w.,/])(?:\+|00)?\(?\d[\d ()./-]{5,20}\d(?![\w])/g;
const DATE_LIKE = /^(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2})$/;
const TIME_RANGE = /^\d{1,2}[.:]\d{2}\s*-\s*\d{1,2}[.:]\d{2}$/;

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

/** Replace phone numbers, e-mail addresses, IBANs and (Luhn-valid) card numbers with placeholders. */
export function maskPersonalData(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return '';
  // Cheap exit: with no '@' and fewer than 7 digits there is nothing to mask.
  const hasAt = text.indexOf('@') >= 0;
  if (!hasAt && countDigits(text) < 7) return text;
  let out = text;
  if (hasAt) out = out.replace(EMAIL, PII_PLACEHOLDERS.email);
  out = out.replace(IBAN, (m) => (countDigits(m) >= 8 ? PII_PLACEHOLDERS.iban : m));
  out = out.replace(CARD, (m) => (luhnValid(m) ? PII_PLACEHOLDERS.card : m));
  out = out.replace(PHONE, (m) => {
    const t = m.trim();
    const digits = countDigits(t);
    if (digits < 7 || digits > 15) return m;
    if (DATE_LIKE.test(t) || TIME_RANGE.test(t)) return m;
    // Decimal amounts such as 1.234.567,89 are not phone numbers.
    if (/^\d{1,3}(?:\.\d{3})+(?:,\d{2})?$/.test(t) || /^\d{1,3}(?:,\d{3})+(?:\.\d{2})?$/.test(t)) return m;
    return PII_PLACEHOLDERS.phone;
  });
  return out;
}
