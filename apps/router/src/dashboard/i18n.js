// The console's language (German or English, from the browser, switchable) and its formats:
// dates and times in the user's own locale and time zone through Intl, never hand-made.
import en from './i18n-en.js';
import de from './i18n-de.js';

const DICTS = { en, de };
const STORAGE = 'cx.console.lang';
const listeners = [];

function fromBrowser() {
  for (const tag of navigator.languages || [navigator.language || 'en']) {
    const p = String(tag).toLowerCase().split(/[-_]/)[0];
    if (DICTS[p]) return p;
  }
  return 'en';
}

let lang = DICTS[localStorage.getItem(STORAGE)] ? localStorage.getItem(STORAGE) : fromBrowser();
let locale = lang;
let fmt = {};

function setup() {
  // The browser's own locale when it is of the chosen language (de-AT, en-GB ...), else the language itself.
  const own = (navigator.languages || []).find((t) => String(t).toLowerCase().startsWith(lang));
  locale = own || lang;
  fmt = {
    time: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }),
    dateTime: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
    rel: new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'long' }),
    pct: new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }),
    list: new Intl.ListFormat ? new Intl.ListFormat(locale, { type: 'conjunction' }) : null,
  };
  document.documentElement.lang = lang;
}
setup();

export function currentLang() { return lang; }

export function setLang(next) {
  if (!DICTS[next] || next === lang) return;
  lang = next;
  localStorage.setItem(STORAGE, next);
  setup();
  translateStatic();
  for (const fn of listeners) fn(lang);
}

export function onLangChange(fn) { listeners.push(fn); }

/** A text by key with {placeholders}; falls back to English, then to the key itself. */
export function t(key, vars) {
  const s = DICTS[lang][key] ?? en[key] ?? key;
  return vars ? s.replace(/\{(\w+)\}/g, (_, k) => (vars[k] === undefined || vars[k] === null ? '' : String(vars[k]))) : s;
}

/** A key's text if there is one (for codes from the server that may be new to this page). */
export function tOr(key, fallback) {
  return DICTS[lang][key] ?? en[key] ?? fallback;
}

export function time(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : fmt.time.format(d);
}

export function dateTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : fmt.dateTime.format(d);
}

/** A span of time: "42 s", "4 min 05 s", "1 h 05 min", "2 d 3 h" (in the UI language). */
export function duration(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const pad = (n) => (n < 10 ? '0' + n : String(n));
  if (s < 60) return t('dur.s', { s });
  if (s < 3600) return t('dur.ms', { m: Math.floor(s / 60), s: pad(s % 60) });
  if (s < 86400) return t('dur.hm', { h: Math.floor(s / 3600), m: pad(Math.floor((s % 3600) / 60)) });
  return t('dur.dh', { d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600) });
}

/** "in 12 minutes" / "vor 3 Minuten". */
export function relative(ms) {
  const abs = Math.abs(ms);
  if (abs < 60000) return fmt.rel.format(Math.round(ms / 1000), 'second');
  if (abs < 3600000) return fmt.rel.format(Math.round(ms / 60000), 'minute');
  return fmt.rel.format(Math.round(ms / 3600000), 'hour');
}

export function percent(x) { return fmt.pct.format(x); }

export function list(items) { return fmt.list ? fmt.list.format(items) : items.join(', '); }

/** Translates the page's own static texts: elements with data-i18n (text) and data-i18n-attr ("attr:key;..."). */
export function translateStatic(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.getAttribute('data-i18n'));
  for (const node of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of node.getAttribute('data-i18n-attr').split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) node.setAttribute(attr, t(key));
    }
  }
}
