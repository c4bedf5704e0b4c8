// One escalation card: who the customer is and what they said, why it was raised, what to do,
// who has it until when, and the actions. Buttons carry data-action/data-id; the board listens
// once for all cards (no listener per card: 500 cards stay cheap to build and to drop).
import { h } from './dom.js';
import { dateTime, list, t, time, tOr } from './i18n.js';
import { slaDue, state } from './store.js';

const code = (c) => tOr('reason.' + c, String(c).replace(/_/g, ' '));
const intent = (i) => tOr('intent.' + i, String(i).replace(/_/g, ' '));
const channel = (c) => (c ? t('channel.' + c) : '');

function section(testid, title, items, empty) {
  return h('section', { class: 'part', 'data-testid': testid },
    h('h4', { text: title }),
    items.length ? h('ul', null, items) : h('p', { class: 'meta', text: empty || '—' }));
}

function messages(e, id) {
  const msgs = (e.context && e.context.lastMessages) || [];
  const items = msgs.slice().reverse().map((m, i) => h('li', { class: m.negative ? 'msg neg' : 'msg', 'data-testid': `message-${id}-${i}`, lang: m.language || null },
    h('time', { datetime: m.at, text: time(m.at) }), ' ',
    h('q', { text: m.text }),
    m.negative ? h('span', { class: 'flag', text: t('card.flagged') }) : null));
  return h('section', { class: 'part words', 'data-testid': `messages-${id}` },
    h('h4', { text: t('card.words') }),
    items.length ? h('ol', null, items) : h('p', { class: 'meta', text: t('card.noWords') }));
}

function reasons(e, id) {
  const items = (e.reasons || []).map((r, i) => {
    const ev = (r.evidence || []).map((x) => h('span', { class: 'ev' }, x.kind + ': ', h('q', { text: x.text })));
    return h('li', { 'data-testid': `reason-${id}-${i}`, 'data-code': r.code },
      h('strong', { text: code(r.code) }), ' — ', r.detail, ' ', h('time', { class: 'meta', datetime: r.at, text: time(r.at) }),
      ev.length ? h('div', { class: 'evidence', 'data-testid': `evidence-${id}-${i}` }, ev) : null);
  });
  if (e.intents && e.intents.length) items.push(h('li', { 'data-testid': `intents-${id}`, text: t('intents', { list: list(e.intents.map(intent)) }) }));
  return section(`reasons-${id}`, t('card.why'), items);
}

function actions(e, id) {
  const ids = e.suggestedActionIds || [];
  const texts = (e.suggestedActions || []).map((text, i) => (ids[i] ? tOr('act.' + ids[i], text) : text));
  return section(`actions-${id}`, t('card.todo'), texts.map((x) => h('li', { text: x })));
}

function context(e, id) {
  const ctx = e.context || {};
  const items = [];
  if (ctx.customerId || ctx.tier) items.push(h('li', { text: t('card.customer', { id: ctx.customerId || '?' }) + (ctx.tier ? ' · ' + t('ctx.tier', { tier: ctx.tier }) : '') }));
  if (ctx.flags && ctx.flags.length) items.push(h('li', { 'data-testid': `flags-${id}`, text: t('ctx.flags', { flags: ctx.flags.join(', ') }) }));
  for (const p of ctx.openPromises || []) {
    items.push(h('li', { 'data-testid': `promise-${id}-${p.promiseId}`, text: t('ctx.promise', { kind: p.kind, time: dateTime(p.dueAt) }) + (p.description ? ': ' + p.description : '') }));
  }
  (ctx.recentInteractions || []).forEach((ri, i) => items.push(h('li', { 'data-testid': `interaction-${id}-${i}`,
    text: t('ctx.interaction', { time: dateTime(ri.at), channel: channel(ri.channel), summary: ri.summary }) + (ri.negative ? ` (${t('ctx.negative')})` : '') })));
  return section(`context-${id}`, t('card.context'), items);
}

function notes(e, id) {
  const items = (e.notes || []).map((n) => h('li', null, h('time', { class: 'meta', datetime: n.at, text: time(n.at) }), ' ', h('strong', { text: n.by.id }), ': ', n.text));
  const fb = (e.feedback || []).map((f) => h('li', { class: 'fb', text: t('feedback.recorded.' + f.verdict, { who: f.by.id }) + (f.note ? ': ' + f.note : '') }));
  if (!items.length && !fb.length) return null;
  return h('section', { class: 'part', 'data-testid': `notes-${id}` }, h('h4', { text: t('card.notes') }), h('ul', null, items, fb));
}

/** The holder line: with whom, acknowledge by when (ticking), and what happens then. */
function holder(e, id) {
  const a = e.assignee;
  const who = !a ? t('holder.none') : t('holder.' + a.kind, { id: a.id });
  const parts = [h('span', { 'data-testid': `assignee-${id}`, 'data-kind': a ? a.kind : 'none', text: who })];
  if (e.status === 'acknowledged') parts.push(' · ', t('holder.acked', { who: e.acknowledgedBy || '' }));
  if (e.ladder) {
    parts.push(' · ', h('span', { class: 'tick', 'data-testid': `ack-due-${id}`, 'data-kind': 'ack', 'data-due': Date.parse(e.ladder.ackDueAt), 'data-time': time(e.ladder.ackDueAt) }),
      ' · ', h('span', { 'data-testid': `next-${id}`, 'data-next': e.ladder.next, text: t('holder.next.' + e.ladder.next) }));
  }
  return h('p', { class: 'holder', 'data-testid': `holder-${id}` }, parts);
}

function button(action, id, label, conversation, opts = {}) {
  return h('button', {
    type: 'button', class: opts.primary ? 'primary' : null, 'data-action': action, 'data-id': id, 'data-testid': `${opts.testid || action}-${id}`,
    'aria-label': t('action.for', { action: label, conversation }), disabled: opts.disabled, text: label,
    'aria-pressed': opts.pressed === undefined ? null : String(opts.pressed),
  });
}

function buttons(e, id) {
  const conv = e.conversationId;
  const sup = state.principal && state.principal.role !== 'agent';
  const mineFb = new Set((e.feedback || []).filter((f) => state.principal && f.by.id === (state.principal.agentId || state.principal.role)).map((f) => f.verdict));
  return h('div', { class: 'buttons' },
    button('ack', id, t('action.ack'), conv, { primary: true, disabled: e.status !== 'open' }),
    button('resolve', id, t('action.resolve'), conv),
    sup ? button('take-over', id, t('action.takeOver'), conv, { testid: 'takeover', disabled: e.status === 'acknowledged' && e.assignee && e.assignee.id === state.principal.agentId }) : null,
    button('reassign', id, t('action.reassign'), conv),
    button('note', id, t('action.note'), conv),
    h('span', { class: 'fbgroup', role: 'group', 'aria-label': t('action.feedbackGroup') },
      // Toggle-like: pressed once this person gave that verdict (a second press is not sent again).
      button('feedback', id, t('action.falseAlarm'), conv, { testid: 'feedback-not_negative', pressed: mineFb.has('not_negative') }),
      button('feedback', id, t('action.wrongReason'), conv, { testid: 'feedback-wrong_intent', pressed: mineFb.has('wrong_intent') }),
      button('feedback', id, t('action.missed'), conv, { testid: 'feedback-missed', pressed: mineFb.has('missed') })));
}

export function card(e) {
  const id = e.escalationId;
  const team = (e.target && e.target.team) || '';
  const due = slaDue(e);
  const label = t('card.label', { severity: t('severity.' + e.severity), channel: channel(e.channel), conversation: e.conversationId });
  const node = h('li', {
    class: 'card', 'data-testid': `escalation-${id}`, 'data-escalation-id': id, 'data-severity': e.severity, 'data-status': e.status,
    'data-team': team, 'aria-label': label, tabindex: '-1',
  },
  h('header', null,
    h('span', { class: 'badge sev', 'data-testid': `severity-${id}`, text: t('severity.' + e.severity) }),
    h('h3', { class: 'title' }, e.channel ? channel(e.channel) + ' · ' : '', e.conversationId,
      e.context && e.context.customerId ? h('span', { class: 'cust', text: ' · ' + t('card.customer', { id: e.context.customerId }) }) : null),
    h('span', { class: 'badge status', 'data-status': e.status, 'data-testid': `status-${id}`, text: e.status === 'open' || e.status === 'acknowledged' ? t('status.' + e.status) : e.status }),
    team ? h('span', { class: 'badge', 'data-testid': `team-${id}`, text: t('card.team', { team }) }) : null,
    due ? h('span', { class: 'sla tick', 'data-testid': `sla-${id}`, 'data-kind': 'sla', 'data-due': due.t, 'data-metric': tOr('metric.' + due.metric, due.metric) }) : null),
  holder(e, id),
  h('div', { class: 'cols' }, messages(e, id), reasons(e, id), actions(e, id)),
  // The context is built when it is opened (most cards are never opened; fewer nodes per card).
  h('details', { class: 'more', 'data-id': id }, h('summary', { text: t('card.context') + ' · ' + t('card.raised', { time: dateTime(e.createdAt) }) })),
  notes(e, id),
  buttons(e, id));
  return node;
}

/** Fills an opened context section (see card()). */
export function fillContext(details, e) {
  if (details.open && details.children.length === 1) details.appendChild(context(e, e.escalationId));
}

/** Updates the ticking texts (SLA countdown, acknowledgement deadline) of one element. */
export function tick(node, now) {
  const due = Number(node.getAttribute('data-due'));
  const left = due - now;
  const state_ = left < 0 ? 'overdue' : left < 5 * 60000 ? 'soon' : 'ok';
  if (node.getAttribute('data-state') !== state_) node.setAttribute('data-state', state_);
  let text;
  if (node.getAttribute('data-kind') === 'sla') {
    text = t(left < 0 ? 'sla.overdue' : 'sla.due', { metric: node.getAttribute('data-metric'), left: fmtLeft(left) });
  } else {
    text = t('holder.until', { time: node.getAttribute('data-time'), left: left < 0 ? t('holder.overdue') : fmtLeft(left) });
  }
  if (node.textContent !== text) node.textContent = text;
}

function fmtLeft(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const m = Math.floor(s / 60);
  const pad = (n) => (n < 10 ? '0' + n : String(n));
  return m >= 60 ? `${Math.floor(m / 60)}:${pad(m % 60)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
