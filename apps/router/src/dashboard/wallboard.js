// The wallboard at a glance: open by severity, unacknowledged and the oldest of them, customers at
// risk (live, from the escalations on this page), and per team today's SLA attainment, what was
// resolved, who is online and how loaded (from GET api/console/wallboard, refreshed every 30 s
// and after this user's own actions). Tiles are buttons that filter the board.
import { api } from './api.js';
import { $, h } from './dom.js';
import { duration, percent, t } from './i18n.js';
import { liveCounts, SEVERITIES } from './store.js';

let server = null;
let refreshTimer = null;
let onPick = () => {};

/** The start of the user's day in their own time zone, as an instant. */
export function startOfToday() {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}

export function initWallboard(pick) {
  onPick = pick;
  $('wallboard').addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-pick]');
    if (b) onPick(b.getAttribute('data-pick'), b.getAttribute('data-value'));
  });
}

export async function refreshWallboard() {
  clearTimeout(refreshTimer);
  try {
    server = await api('api/console/wallboard?since=' + encodeURIComponent(startOfToday()));
  } catch (e) {
    if (e.status === 401) return;
  } finally {
    refreshTimer = setTimeout(refreshWallboard, 30_000);
  }
  renderWallboard();
}

let soon = null;
/**
 * The server's figures (resolved today, loads, SLA) changed: an action of this user, or a new or
 * finished escalation on the stream. At most one refresh every 2 s, however busy the stream.
 */
export function refreshSoon() {
  if (soon) return;
  soon = setTimeout(() => { soon = null; refreshWallboard(); }, 2000);
}

function tile(testid, label, pick, pickValue, extraClass) {
  const value = h('span', { class: 'tile-value', 'data-testid': testid + '-value' });
  const detail = h('span', { class: 'tile-detail' });
  const button = h('button', {
    type: 'button', class: 'tile' + (extraClass ? ' ' + extraClass : ''), 'data-testid': testid, 'data-pick': pick || null, 'data-value': pickValue || null,
    disabled: !pick,
  }, h('span', { class: 'tile-label', text: label }), value, detail);
  return { li: h('li', null, button), button, value, detail };
}

function slaText(sla) {
  if (!sla || sla.attainment === null) return ['—', t('wall.slaNone')];
  return [percent(sla.attainment), t('wall.slaDetail', sla)];
}

const set = (node, text) => { if (node.textContent !== text) node.textContent = text; };
let tiles = null;
let teamCells = new Map();

/** Rebuilds the wallboard (start, language switch, fresh server figures), keeping keyboard focus. */
export function renderWallboard() {
  const focused = $('wallboard').contains(document.activeElement) ? document.activeElement.getAttribute('data-testid') : null;
  tiles = {};
  for (const s of SEVERITIES) tiles[s] = tile(`wall-open-${s}`, t('group.' + s), 'severity', s, 'sev-' + s);
  tiles.unacked = tile('wall-unacked', t('wall.unacked'), 'card', '');
  tiles.atRisk = tile('wall-at-risk', t('wall.atRisk'), 'atRisk', '1');
  tiles.sla = tile('wall-sla', t('wall.sla'));
  tiles.resolved = tile('wall-resolved', t('wall.resolved'));
  const [slaValue, slaDetail] = slaText(server && server.totals.sla);
  set(tiles.sla.value, slaValue);
  set(tiles.sla.detail, slaDetail);
  // The header keeps the figure in view on every page: the user's teams (or the tenant for an admin).
  const header = $('header-sla');
  header.hidden = !server;
  set(header, t('wall.slaHeader', { value: slaValue }));
  header.title = slaDetail;
  set(tiles.resolved.value, server ? String(server.totals.resolved) : '—');
  $('wall-tiles').replaceChildren(...Object.values(tiles).map((x) => x.li));

  teamCells = new Map();
  const names = new Set([...(server ? server.teams.map((x) => x.team) : []), ...Object.keys(liveCounts().teams)]);
  const byName = new Map((server ? server.teams : []).map((x) => [x.team, x]));
  const none = { presence: { online: 0, available: 0, busy: 0, capacity: 0, load: 0 }, sla: null, resolved: 0 };
  const rows = [...names].sort().map((name) => {
    const team = Object.assign({ team: name }, none, byName.get(name));
    const p = team.presence;
    const [sla] = slaText(team.sla);
    const cells = { open: h('td', { 'data-testid': `wall-open-${name}` }), unacked: h('td', { 'data-testid': `wall-unacked-${name}` }) };
    teamCells.set(name, cells);
    return h('tr', { 'data-testid': `wall-team-${team.team}` },
      h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link', 'data-pick': 'team', 'data-value': team.team, 'data-testid': `wall-pick-${team.team}`, text: team.team })),
      cells.open,
      cells.unacked,
      h('td', { 'data-testid': `wall-online-${team.team}`, text: `${p.online} (${p.available} ${t('wall.available')}, ${p.busy} ${t('wall.busy')})` }),
      h('td', null, h('meter', { min: '0', max: String(Math.max(1, p.capacity)), value: String(p.load), 'aria-label': t('wall.load') + ' ' + team.team }),
        ' ', t('wall.loadOf', { load: p.load, capacity: p.capacity })),
      h('td', { 'data-testid': `wall-sla-${team.team}`, text: sla }),
      h('td', { text: String(team.resolved) }));
  });
  $('wall-teams').replaceChildren(...rows);
  $('wall-teams-table').hidden = rows.length === 0;
  updateLive();
  if (focused) { const f = $('wallboard').querySelector(`[data-testid="${focused}"]`); if (f) f.focus(); }
}

/** The live figures, after every change on the board (text updates only). */
export function updateLive() {
  if (!tiles) return;
  const live = liveCounts();
  for (const s of SEVERITIES) set(tiles[s].value, String(live.open[s] || 0));
  set(tiles.unacked.value, String(live.unacked));
  set(tiles.unacked.detail, live.oldest ? t('wall.oldest') + ': ' + duration(Date.now() - Date.parse(live.oldest.createdAt)) : t('wall.oldestNone'));
  tiles.unacked.button.setAttribute('data-value', live.oldest ? live.oldest.escalationId : '');
  tiles.unacked.button.disabled = !live.oldest;
  set(tiles.atRisk.value, String(live.atRisk));
  // A team that appears for the first time gets its row.
  if (Object.keys(live.teams).some((x) => !teamCells.has(x))) return renderWallboard();
  for (const [name, cells] of teamCells) {
    const c = live.teams[name] || { open: {}, unacked: 0 };
    set(cells.open, SEVERITIES.map((s) => c.open[s] || 0).join(' / '));
    set(cells.unacked, String(c.unacked));
  }
}
