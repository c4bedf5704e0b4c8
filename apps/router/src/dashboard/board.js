// The live board: one list per severity, oldest first. A change rebuilds only its own card and
// moves it only when its group or place changed; changes that arrive together are applied in one
// animation frame, so 50 changes a second among 500 cards cost a few cards per frame, not a
// re-render. When the tab is hidden (no frames), a timer applies them, so counts and the tab
// title stay right for a supervisor working in another tab.
import { card, fillContext, tick } from './card.js';
import { $ } from './dom.js';
import { matches, SEVERITIES, state } from './store.js';

const nodes = new Map(); // escalationId → card element
const ticks = new WeakMap(); // card element → its ticking elements (found once, when built)
const dirty = new Set();
const groups = {};
let scheduled = false;
let afterFlush = () => {};

/** Performance probe (localStorage cx.console.perf = 1): SSE event → card in the DOM → painted, in ms. */
const perf = localStorage.getItem('cx.console.perf') === '1' ? { samples: [], received: new Map(), events: 0, flushes: 0 } : null;
if (perf) window.__cxPerf = perf;

export function initBoard(onFlush) {
  afterFlush = onFlush;
  for (const s of SEVERITIES) {
    const section = document.querySelector(`[data-testid="severity-group-${s}"]`);
    groups[s] = { section, ol: section.querySelector('ol'), order: [] };
  }
  // "toggle" does not bubble: listen in the capture phase, once for all cards.
  $('board').addEventListener('toggle', (ev) => {
    const d = ev.target;
    if (d.tagName === 'DETAILS' && d.open) { const e = state.byId.get(d.getAttribute('data-id')); if (e) fillContext(d, e); }
  }, true);
}

/** The stream delivered a change of `id` (for the performance probe). */
export function received(id) {
  if (!perf) return;
  perf.events++;
  if (!perf.received.has(id)) perf.received.set(id, performance.now());
}

export function markDirty(id) {
  dirty.add(id);
  if (scheduled) return;
  scheduled = true;
  if (document.hidden) setTimeout(flush, 250);
  else requestAnimationFrame(flush);
}

/** Position of `key` ([createdAt ms, id]) in a sorted order array. */
function position(order, key) {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = order[mid];
    if (m[0] < key[0] || (m[0] === key[0] && m[1] < key[1])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function place(id, e, node) {
  const old = nodes.get(id);
  if (old) {
    const g = groups[old.getAttribute('data-severity')] || groups.low;
    const key = [Number(old.getAttribute('data-created')), id];
    const i = position(g.order, key);
    if (g.order[i] && g.order[i][1] === id) g.order.splice(i, 1);
  }
  if (!e) {
    if (old) old.remove();
    nodes.delete(id);
    return;
  }
  const g = groups[e.severity] || groups.low;
  const key = [Date.parse(e.createdAt), id];
  node.setAttribute('data-created', String(key[0]));
  const i = position(g.order, key);
  g.order.splice(i, 0, key);
  const next = g.order[i + 1] ? nodes.get(g.order[i + 1][1]) : null;
  // Keep keyboard focus where it was when its card is rebuilt, and an opened context open.
  const focused = old && old.contains(document.activeElement) ? document.activeElement.getAttribute('data-testid') : null;
  if (old && old.querySelector('details[open]')) { const d = node.querySelector('details'); d.open = true; fillContext(d, e); }
  if (old && old.parentNode === g.ol && old.nextSibling === (next || null)) old.replaceWith(node);
  else {
    if (old) old.remove();
    g.ol.insertBefore(node, next && next !== old ? next : null);
  }
  nodes.set(id, node);
  if (focused) { const f = node.querySelector(`[data-testid="${focused}"]`); if (f) f.focus(); }
}

function build(e) {
  const node = card(e);
  node.hidden = !matches(e);
  const now = Date.now();
  ticks.set(node, [...node.querySelectorAll('.tick')]);
  for (const t of ticks.get(node)) tick(t, now);
  return node;
}

function flush() {
  scheduled = false;
  const ids = [...dirty];
  dirty.clear();
  for (const id of ids) {
    const e = state.byId.get(id);
    place(id, e, e ? build(e) : null);
  }
  afterFlush();
  if (perf) {
    perf.flushes++;
    const dom = performance.now();
    const started = ids.map((id) => perf.received.get(id)).filter((x) => x !== undefined);
    for (const id of ids) perf.received.delete(id);
    // A task queued now runs after this frame is painted.
    setTimeout(() => {
      const painted = performance.now();
      for (const t0 of started) perf.samples.push({ dom: dom - t0, painted: painted - t0 });
      if (perf.samples.length > 50000) perf.samples.splice(0, 10000);
    }, 0);
  }
}

/** Rebuilds every card (first load, language switch). */
export function renderAll() {
  for (const g of Object.values(groups)) { g.order = []; g.ol.replaceChildren(); }
  nodes.clear();
  const sorted = [...state.byId.values()].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.escalationId < b.escalationId ? -1 : 1));
  const frags = {};
  for (const s of SEVERITIES) frags[s] = document.createDocumentFragment();
  for (const e of sorted) {
    const node = build(e);
    const s = groups[e.severity] ? e.severity : 'low';
    node.setAttribute('data-created', String(Date.parse(e.createdAt)));
    groups[s].order.push([Date.parse(e.createdAt), e.escalationId]);
    frags[s].appendChild(node);
    nodes.set(e.escalationId, node);
  }
  for (const s of SEVERITIES) groups[s].ol.appendChild(frags[s]);
  afterFlush();
}

/** Filters changed: show and hide, nothing is rebuilt. */
export function applyFilters() {
  for (const [id, node] of nodes) {
    const e = state.byId.get(id);
    node.hidden = !e || !matches(e);
  }
  afterFlush();
}

/** How many cards are on show; hides the severity groups that show none. */
export function shownCount() {
  let n = 0;
  for (const s of SEVERITIES) {
    const g = groups[s];
    let shown = 0;
    for (const [, id] of g.order) if (!nodes.get(id).hidden) shown++;
    if (g.section.hidden !== (shown === 0)) g.section.hidden = shown === 0;
    n += shown;
  }
  return n;
}

/** Ticks the countdowns of the cards on show (once a second). */
export function tickAll() {
  const now = Date.now();
  for (const node of nodes.values()) {
    if (node.hidden) continue;
    for (const t of ticks.get(node) || []) tick(t, now);
  }
}

export function focusCard(id) {
  const node = nodes.get(id);
  if (!node) return false;
  if (node.hidden) return false;
  node.scrollIntoView({ block: 'center' });
  node.focus();
  return true;
}

export const boardRoot = () => $('board');
