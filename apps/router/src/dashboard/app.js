// The supervisor console: signs in through window.cxAuth, loads the open escalations this
// principal may see, follows them live over Server-Sent Events, and wires the board, the
// wallboard, the filters, the actions, the history and the alerts together.
import { signIn, signOut } from './login.js';
import { api } from './api.js';
import { alertCritical, initAlerts, setTitleCount } from './alerts.js';
import { applyFilters, focusCard, initBoard, markDirty, received, renderAll, shownCount, tickAll } from './board.js';
import { askNote, askReassign, initDialog } from './dialog.js';
import { $, setOptions } from './dom.js';
import { currentLang, onLangChange, setLang, t, translateStatic } from './i18n.js';
import { initHistory, loadHistory, renderHistory, setTeams } from './history.js';
import { apply, languageOf, liveCounts, matches, reset, saveFilters, state, teamOf } from './store.js';
import { initWallboard, refreshSoon, refreshWallboard, renderWallboard, updateLive } from './wallboard.js';

const STREAM_EVENTS = ['raised', 'updated', 'acknowledged', 'resolved', 'escalated', 'reassigned', 'taken_over', 'withdrawn'];
let source = null;
let retryMs = 1000;

function showError(e) {
  const node = $('error');
  if (!e) { node.hidden = true; node.textContent = ''; return; }
  node.textContent = e.status ? t('error.http', { what: e.what || '', status: e.status, message: e.message }) : String(e.message || e);
  node.hidden = false;
}

function announce(text) { $('announce').textContent = text; }

// ------------------------------------------------------------------ counts and filters

function afterFlush() {
  const live = liveCounts();
  const shown = shownCount();
  $('open-count').textContent = String(live.total);
  $('shown-count').textContent = t('filters.shown', { shown, total: live.total });
  $('empty').hidden = shown > 0;
  $('empty').textContent = live.total > 0 ? t('board.emptyFiltered') : t('board.empty');
  setTitleCount(live.unacked);
  updateLive();
  refreshFilterOptions();
}

let optionsKey = '';
function refreshFilterOptions() {
  const teams = new Set();
  const langs = new Set();
  for (const e of state.byId.values()) { if (teamOf(e)) teams.add(teamOf(e)); if (languageOf(e)) langs.add(languageOf(e)); }
  if (state.filters.team) teams.add(state.filters.team);
  if (state.filters.language) langs.add(state.filters.language);
  const key = [...teams].sort().join(',') + '|' + [...langs].sort().join(',') + '|' + currentLang();
  if (key === optionsKey) return;
  optionsKey = key;
  const all = { value: '', label: t('filters.all') };
  setOptions($('f-team'), [all, ...[...teams].sort().map((x) => ({ value: x, label: x }))]);
  setOptions($('f-language'), [all, ...[...langs].sort().map((x) => ({ value: x, label: x }))]);
  setTeams([...new Set([...teams, ...(state.principal.teams || [])])].sort());
  $('f-team').value = state.filters.team;
  $('f-language').value = state.filters.language;
}

function syncFilterForm() {
  const f = state.filters;
  $('f-severity').value = f.severity; $('f-channel').value = f.channel; $('f-team').value = f.team; $('f-language').value = f.language;
  $('f-mine').checked = f.mine; $('f-risk').checked = f.atRisk; $('f-search').value = f.search;
}

function setFilter(patch) {
  Object.assign(state.filters, patch);
  saveFilters();
  syncFilterForm();
  applyFilters();
}

function wireFilters() {
  const read = () => setFilter({
    severity: $('f-severity').value, channel: $('f-channel').value, team: $('f-team').value, language: $('f-language').value,
    mine: $('f-mine').checked, atRisk: $('f-risk').checked, search: $('f-search').value.trim(),
  });
  $('filters').addEventListener('change', read);
  $('f-search').addEventListener('input', read);
  $('filters').addEventListener('submit', (ev) => ev.preventDefault());
  $('f-reset').addEventListener('click', () => setFilter({ severity: '', channel: '', team: '', language: '', mine: false, atRisk: false, search: '' }));
  $('f-mine').disabled = !state.principal.agentId;
  syncFilterForm();
}

/** Shows one escalation (from the wallboard or a notification), clearing filters that hide it. */
function openCard(id) {
  location.hash = '#/';
  const e = state.byId.get(id);
  if (e && !matches(e)) setFilter({ severity: '', channel: '', team: '', language: '', mine: false, atRisk: false, search: '' });
  focusCard(id);
}

// ------------------------------------------------------------------ data and stream

function change(type, e, fromStream) {
  const r = apply(type, e);
  if (!r) return;
  if (fromStream) received(r.id);
  markDirty(r.id);
  if (fromStream && r.becameCritical) alertCritical(e);
  // New, finished or moved: loads and today's figures on the server changed.
  if (fromStream && (r.isNew || r.removed || type === 'reassigned' || type === 'taken_over' || type === 'acknowledged')) refreshSoon();
  if (fromStream && r.isNew) announce(t('board.new', { severity: t('severity.' + e.severity), reason: e.reasons && e.reasons[0] ? e.reasons[0].detail : e.conversationId }));
}

/** Reads the list: the first time it builds the board, later it only applies the differences. */
async function load(initial = false) {
  try {
    const body = await api('api/escalations?status=open');
    const list = Array.isArray(body) ? body : body.items || [];
    if (initial) {
      reset(list);
      renderAll();
    } else {
      const seen = new Set();
      for (const e of list) {
        seen.add(e.escalationId);
        const have = state.byId.get(e.escalationId);
        if (!have || have.updatedAt !== e.updatedAt || JSON.stringify(have.ladder) !== JSON.stringify(e.ladder)) change('updated', e, false);
      }
      for (const id of [...state.byId.keys()]) if (!seen.has(id)) change('withdrawn', { escalationId: id }, false);
    }
    showError(null);
  } catch (e) {
    e.what = t('error.load');
    showError(e);
  }
}

function setStream(s) {
  $('stream-status').setAttribute('data-state', s);
  $('stream-status').textContent = t('stream.' + s);
}

async function connect() {
  if (source) source.close();
  setStream('connecting');
  let url;
  try { url = await window.cxAuth.streamUrl(); } catch (e) { return retry(); }
  const es = new EventSource(url);
  source = es;
  let failed = false;
  es.onopen = () => {
    retryMs = 1000;
    setStream('connected');
    // Changes may have been missed while it was down: read the list again.
    if (failed) { failed = false; load(); }
  };
  for (const type of STREAM_EVENTS) {
    es.addEventListener(type, (msg) => {
      let data;
      try { data = JSON.parse(msg.data); } catch { return; }
      change(type, data, true);
    });
  }
  es.onerror = () => {
    failed = true;
    setStream('reconnecting');
    // A ticket is single-use: when the browser gives up (or would reuse it), connect anew.
    if (es.readyState === EventSource.CLOSED) { es.close(); retry(); }
  };
}

function retry() {
  setTimeout(() => load().then(connect), retryMs);
  retryMs = Math.min(retryMs * 2, 30000);
}

// ------------------------------------------------------------------ actions

const DONE = { ack: 'done.ack', resolve: 'done.resolve', 'take-over': 'done.takeOver', reassign: 'done.reassign', note: 'done.note', feedback: 'done.feedback' };

// Actions under way, by escalation and button: a second click waits for the first (the button keeps
// keyboard focus; a disabled button would drop it).
const pending = new Set();

async function act(button) {
  const id = button.getAttribute('data-id');
  const action = button.getAttribute('data-action');
  const e = state.byId.get(id);
  const key = id + ' ' + button.getAttribute('data-testid');
  if (!e || pending.has(key)) return;
  pending.add(key);
  try {
    await run(button, id, action, e);
  } finally {
    pending.delete(key);
  }
}

async function run(button, id, action, e) {
  const path = `api/escalations/${encodeURIComponent(id)}/`;
  let body;
  if (action === 'reassign') { body = await askReassign(e, button).catch((err) => { showError(err); return null; }); if (!body) return; }
  if (action === 'note') { body = await askNote(e, button); if (!body) return; }
  if (action === 'feedback') {
    if (button.getAttribute('aria-pressed') === 'true') return;
    body = { reason: button.getAttribute('data-testid').split('-')[1] };
  }
  button.setAttribute('aria-busy', 'true');
  try {
    const res = await api(path + (action === 'note' ? 'notes' : action), { method: 'POST', body: body ?? {} });
    const next = action === 'feedback' ? res.escalation : res;
    change(next.status === 'resolved' ? 'resolved' : 'updated', next, false);
    announce(t(DONE[action]));
    showError(null);
    refreshSoon();
  } catch (err) {
    err.what = button.textContent;
    showError(err);
  } finally {
    button.removeAttribute('aria-busy');
  }
}

// ------------------------------------------------------------------ views

function route() {
  const history = location.hash === '#/history';
  $('view-board').hidden = history;
  $('view-history').hidden = !history;
  for (const a of document.querySelectorAll('nav.views a')) {
    if ((a.getAttribute('data-view') === 'history') === history) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (history) loadHistory();
}

async function main() {
  translateStatic();
  $('lang').value = currentLang();
  $('lang').addEventListener('change', () => setLang($('lang').value));
  state.principal = await signIn();
  $('main').hidden = false;
  $('sign-out').hidden = false;
  $('sign-out').addEventListener('click', signOut);
  $('whoami').textContent = `${state.principal.agentId || state.principal.role} · ${state.principal.tenant}`;
  initBoard(afterFlush);
  initDialog();
  initWallboard((kind, value) => {
    if (kind === 'severity') setFilter({ severity: state.filters.severity === value ? '' : value });
    else if (kind === 'atRisk') setFilter({ atRisk: !state.filters.atRisk });
    else if (kind === 'team') setFilter({ team: state.filters.team === value ? '' : value });
    else if (kind === 'card' && value) openCard(value);
  });
  initAlerts($('alerts-toggle'), $('alerts-hint'), openCard);
  initHistory(showError, state.principal.teams || []);
  wireFilters();
  $('board').addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-action]');
    if (b) act(b);
  });
  onLangChange(() => { optionsKey = ''; renderAll(); renderWallboard(); renderHistory(); setStream($('stream-status').getAttribute('data-state')); $('whoami').lang = currentLang(); });
  window.addEventListener('hashchange', route);
  renderWallboard();
  await load(true);
  connect();
  refreshWallboard();
  route();
  setInterval(() => { tickAll(); updateLive(); }, 1000);
  // Reconcile once a minute: the stream carries only what this principal may see, so an escalation
  // that moved away without a "withdrawn" (another instance's restart) is dropped here.
  setInterval(() => { if (source && source.readyState === EventSource.OPEN) load(); }, 60_000);
}

main().catch((e) => showError(e));
