/**
 * ISO 8601 durations for SLA targets. Only units of fixed length are accepted: weeks, days
 * (a day is 24 counted hours, docs/contract.md (SLA semantics)), hours, minutes and seconds, with optional
 * fractions (`PT0.5S`, `PT1,5H`). Years and months have no fixed length and are rejected.
 */
const PATTERN =
  /^P(?!$)(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?=\d)(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

const UNIT_MS = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000];

export type DurationResult = { ok: true; ms: number } | { ok: false; reason: string };

export function parseIsoDuration(text: string): DurationResult {
  const m = PATTERN.exec(text);
  if (!m) {
    if (/^P(\d+Y|.*\d+M.*T|[^T]*\d+M)/.test(text)) {
      return { ok: false, reason: `invalid ISO 8601 duration "${text}": years and months have no fixed length, use days (P1D = 24 counted hours) or hours` };
    }
    return { ok: false, reason: `invalid ISO 8601 duration "${text}"` };
  }
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const part = m[i + 1];
    if (part !== undefined) ms += Number(part.replace(',', '.')) * UNIT_MS[i];
  }
  ms = Math.round(ms);
  if (!(ms > 0)) return { ok: false, reason: `invalid ISO 8601 duration "${text}": must be longer than 0 ms` };
  if (!Number.isSafeInteger(ms)) return { ok: false, reason: `invalid ISO 8601 duration "${text}": too long` };
  return { ok: true, ms };
}

/** Formats milliseconds back as an ISO 8601 duration (PTnHnMn.nnnS), for messages. */
export function formatIsoDuration(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || (!h && !m) ? `${s}S` : ''}`;
}
