// The console's state: the open escalations this principal may see (as the router sends them),
// the filters, and what the wallboard counts live. No DOM here.

export const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const FILTERS = 'cx.console.filters';

export const state = {
  principal: null,
  /** escalationId → escalation (never resolved ones). */
  byId: new Map(),
  filters: Object.assign({ severity: '', channel: '', team: '', language: '', mine: false, atRisk: false, search: '' },
    JSON.parse(localStorage.getItem(FILTERS) || '{}')),
};

export function saveFilters() {
  const { search: _s, ...keep } = state.filters;
  localStorage.setItem(FILTERS, JSON.stringify(keep));
}

const primary = (tag) => (tag ? String(tag).toLowerCase().split(/[-_]/)[0] : '');
export const languageOf = (e) => primary(e.target && e.target.language);
export const teamOf = (e) => (e.target && e.target.team) || (e.assignee && e.assignee.kind === 'team' ? e.assignee.id : '');
export const isAtRisk = (e) => (e.reasons || []).some((r) => r.code === 'customer_at_risk') || ((e.context && e.context.flags) || []).includes('at_risk');
export const isMine = (e) => !!state.principal && !!state.principal.agentId && !!e.assignee && e.assignee.kind !== 'team'
  && e.assignee.id === state.principal.agentId;

/** Does the escalation pass the filters (severity, channel, team, language, mine, at risk, search)? */
export function matches(e) {
  const f = state.filters;
  if (f.severity && e.severity !== f.severity) return false;
  if (f.channel && e.channel !== f.channel) return false;
  if (f.team && teamOf(e) !== f.team) return false;
  if (f.language && languageOf(e) !== f.language) return false;
  if (f.mine && !isMine(e)) return false;
  if (f.atRisk && !isAtRisk(e)) return false;
  if (f.search) {
    const q = f.search.toLowerCase();
    const customer = ((e.context && e.context.customerId) || '').toLowerCase();
    if (!e.conversationId.toLowerCase().includes(q) && !customer.includes(q) && !e.escalationId.toLowerCase().includes(q)) return false;
  }
  return true;
}

/**
 * Applies one change. Returns what it did: `removed`, `isNew`, `becameCritical` (new, or raised
 * to critical: worth an alert), or null when it was older than what is shown (an API answer and
 * the stream's copy of the same change can arrive in either order).
 */
export function apply(type, e) {
  if (!e || !e.escalationId) return null;
  const before = state.byId.get(e.escalationId);
  if (type === 'withdrawn' || type === 'resolved' || e.status === 'resolved') {
    if (!before) return null;
    state.byId.delete(e.escalationId);
    return { id: e.escalationId, removed: true };
  }
  if (before && Date.parse(e.updatedAt) < Date.parse(before.updatedAt)) return null;
  state.byId.set(e.escalationId, e);
  return {
    id: e.escalationId, removed: false, isNew: !before,
    becameCritical: e.severity === 'critical' && (!before || before.severity !== 'critical'),
  };
}

export function reset(list) {
  state.byId.clear();
  for (const e of list) if (e && e.escalationId && e.status !== 'resolved') state.byId.set(e.escalationId, e);
}

/** The live part of the wallboard, over everything visible (filters aside). */
export function liveCounts() {
  const open = { critical: 0, high: 0, medium: 0, low: 0 };
  let unacked = 0;
  let oldest = null;
  const risk = new Set();
  const teams = {};
  for (const e of state.byId.values()) {
    open[e.severity] = (open[e.severity] || 0) + 1;
    const name = teamOf(e);
    if (name) {
      const c = teams[name] || (teams[name] = { open: {}, unacked: 0 });
      c.open[e.severity] = (c.open[e.severity] || 0) + 1;
      if (e.status === 'open') c.unacked++;
    }
    if (e.status === 'open') {
      unacked++;
      if (!oldest || e.createdAt < oldest.createdAt) oldest = e;
    }
    if (isAtRisk(e)) risk.add((e.context && e.context.customerId) || e.conversationId);
  }
  return { open, unacked, oldest, atRisk: risk.size, total: state.byId.size, teams };
}

/** The earliest SLA due time among the reasons (the one that matters most), or null. */
export function slaDue(e) {
  let best = null;
  for (const r of e.reasons || []) {
    if (!r.sla || !r.sla.dueAt) continue;
    const t = Date.parse(r.sla.dueAt);
    if (!Number.isNaN(t) && (best === null || t < best.t)) best = { t, metric: r.sla.metric };
  }
  return best;
}
