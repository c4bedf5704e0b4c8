// What happened: resolved escalations of one day (the user's own day, in their time zone) and
// team, newest first, with time to acknowledge and time to resolve; paged; exported as CSV; and
// feedback on a flag after the fact.
import { api, download } from './api.js';
import { $, h, setOptions } from './dom.js';
import { dateTime, duration, t, tOr } from './i18n.js';

const PAGE = 50;
const view = { offset: 0, total: 0, items: [] };
let onError = () => {};

function localDay(d = new Date()) {
  const pad = (n) => (n < 10 ? '0' + n : String(n));
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The instants of a local day: from its local midnight to the next (DST days have 23 or 25 hours). */
function window_(day) {
  const [y, m, d] = day.split('-').map(Number);
  const from = new Date(y, m - 1, d);
  const to = new Date(y, m - 1, d + 1);
  return { from: from.toISOString(), to: new Date(to.getTime() - 1).toISOString() };
}

function query(extra = {}) {
  const w = window_($('h-day').value || localDay());
  const p = new URLSearchParams({ from: w.from, to: w.to, ...extra });
  if ($('h-team').value) p.set('team', $('h-team').value);
  return p.toString();
}

export function initHistory(errorHandler, teams) {
  onError = errorHandler;
  $('h-day').value = localDay();
  $('h-day').max = localDay();
  setTeams(teams);
  $('history-form').addEventListener('submit', (ev) => { ev.preventDefault(); view.offset = 0; loadHistory(); });
  $('h-newer').addEventListener('click', () => { view.offset = Math.max(0, view.offset - PAGE); loadHistory(); });
  $('h-older').addEventListener('click', () => { view.offset += PAGE; loadHistory(); });
  $('h-export').addEventListener('click', () => download('api/history.csv?' + query(), 'escalations.csv').catch(onError));
  $('h-table').addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-verdict]');
    if (!b) return;
    b.disabled = true;
    api(`api/escalations/${encodeURIComponent(b.getAttribute('data-id'))}/feedback`, { method: 'POST', body: { reason: b.getAttribute('data-verdict') } })
      .then(() => loadHistory(), (e) => { b.disabled = false; onError(e); });
  });
}

export function setTeams(teams) {
  setOptions($('h-team'), [{ value: '', label: t('filters.all') }, ...teams.map((x) => ({ value: x, label: x }))]);
}

export async function loadHistory() {
  try {
    const page = await api('api/history?' + query({ limit: String(PAGE), offset: String(view.offset) }));
    Object.assign(view, { total: page.total, items: page.items });
    renderHistory();
  } catch (e) {
    onError(e);
  }
}

const ms = (x) => (x === null || x === undefined ? '—' : duration(x));
const fbButton = (e, verdict, key) => h('button', {
  type: 'button', class: 'small', 'data-id': e.escalationId, 'data-verdict': verdict, 'data-testid': `history-feedback-${verdict}-${e.escalationId}`,
  'aria-label': t('action.for', { action: t(key), conversation: e.conversationId }), text: t(key),
});

export function renderHistory() {
  const rows = view.items.map((e) => h('tr', { 'data-testid': `history-row-${e.escalationId}` },
    h('td', null, h('time', { datetime: e.resolvedAt, text: dateTime(e.resolvedAt) })),
    h('td', { text: (e.channel ? t('channel.' + e.channel) + ' · ' : '') + e.conversationId }),
    h('td', { text: (e.context && e.context.customerId) || '—' }),
    h('td', null, h('span', { class: 'badge sev', 'data-severity': e.severity, text: t('severity.' + e.severity) })),
    h('td', { text: (e.target && e.target.team) || '—' }),
    h('td', { text: [...new Set((e.reasons || []).map((r) => tOr('reason.' + r.code, r.code)))].join(', ') }),
    h('td', { text: e.acknowledgedBy || '—' }),
    h('td', { 'data-testid': `history-tta-${e.escalationId}`, text: ms(e.timeToAcknowledgeMs) }),
    h('td', { text: e.resolvedBy || '—' }),
    h('td', { 'data-testid': `history-ttr-${e.escalationId}`, text: ms(e.timeToResolveMs) }),
    h('td', { 'data-testid': `history-fb-${e.escalationId}` },
      (e.feedback || []).map((f) => h('div', { text: t('feedback.recorded.' + f.verdict, { who: f.by.id }) })),
      h('div', { class: 'buttons' }, fbButton(e, 'not_negative', 'action.falseAlarm'), fbButton(e, 'wrong_intent', 'action.wrongReason'), fbButton(e, 'missed', 'action.missed')))));
  $('h-rows').replaceChildren(...rows);
  $('h-empty').hidden = rows.length > 0;
  const from = view.items.length ? view.offset + 1 : 0;
  $('h-summary').textContent = t('history.page', { from, to: view.offset + view.items.length, total: view.total });
  $('h-newer').disabled = view.offset === 0;
  $('h-older').disabled = view.offset + view.items.length >= view.total;
}
