// The one modal dialog of the console (native <dialog>: focus stays inside, Escape closes, focus
// returns to the button that opened it): reassign to an agent or a team, or add a note.
import { api } from './api.js';
import { $, h } from './dom.js';
import { t } from './i18n.js';

let resolveOpen = null;
let opener = null;

export function initDialog() {
  const dialog = $('dialog');
  $('dialog-cancel').addEventListener('click', () => dialog.close(''));
  $('dialog-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const data = {};
    for (const el of $('dialog-body').querySelectorAll('[name]')) data[el.name] = el.value;
    dialog.close('save');
    if (resolveOpen) resolveOpen(data);
    resolveOpen = null;
  });
  dialog.addEventListener('close', () => {
    if (dialog.returnValue !== 'save' && resolveOpen) { resolveOpen(null); resolveOpen = null; }
    if (opener && document.contains(opener)) opener.focus();
    else if (opener) { const again = document.querySelector(`[data-testid="${opener.getAttribute('data-testid')}"]`); if (again) again.focus(); }
    opener = null;
  });
}

function open(title, body, from) {
  const dialog = $('dialog');
  opener = from;
  $('dialog-title').textContent = title;
  $('dialog-body').replaceChildren(...body);
  $('dialog-cancel').textContent = t('dialog.cancel');
  $('dialog-save').textContent = t('dialog.save');
  dialog.returnValue = '';
  dialog.showModal();
  const first = $('dialog-body').querySelector('select, textarea, input');
  if (first) first.focus();
  return new Promise((resolve) => { resolveOpen = resolve; });
}

const statusText = (s) => ({ available: t('wall.available'), busy: t('wall.busy') }[s] || s);

/** Asks where to reassign: an agent (grouped by team, with status and load) or a whole team. Null when cancelled. */
export async function askReassign(e, from) {
  const presence = await api('api/presence');
  const groups = presence.teams.map((team) => h('optgroup', { label: t('card.team', { team: team.team }) },
    h('option', { value: JSON.stringify({ team: team.team }), text: t('dialog.teamOption', { team: team.team }) }),
    team.agents.filter((a) => a.status !== 'offline' && !(e.assignee && e.assignee.id === a.agentId))
      .map((a) => h('option', { value: JSON.stringify({ agentId: a.agentId, team: team.team }), 'data-testid': `reassign-option-${a.agentId}`,
        text: t('dialog.agentOption', { name: `${a.name} (${a.agentId})`, status: statusText(a.status), load: a.load, max: a.maxConcurrent }) }))));
  const data = await open(t('dialog.reassignTitle') + ': ' + e.conversationId, [
    h('label', { for: 'dlg-to', text: t('dialog.to') }),
    h('select', { id: 'dlg-to', name: 'to', 'data-testid': 'reassign-to', required: true }, groups),
    h('label', { for: 'dlg-note', text: t('dialog.noteOptional') }),
    h('textarea', { id: 'dlg-note', name: 'note', rows: '3', maxlength: '2000', 'data-testid': 'reassign-note' }),
  ], from);
  if (!data || !data.to) return null;
  const body = JSON.parse(data.to);
  if (data.note && data.note.trim()) body.note = data.note.trim();
  return body;
}

export async function askNote(e, from) {
  const data = await open(t('dialog.noteTitle') + ': ' + e.conversationId, [
    h('label', { for: 'dlg-text', text: t('dialog.noteText') }),
    h('textarea', { id: 'dlg-text', name: 'text', rows: '4', maxlength: '2000', required: true, 'data-testid': 'note-text' }),
  ], from);
  return data && data.text && data.text.trim() ? { text: data.text.trim() } : null;
}
