// Being told without watching: the number of unacknowledged escalations in the tab title, and (opt
// in) a sound and a desktop notification when an escalation is new or newly critical. The sound is
// made with Web Audio (no file to fetch, nothing autoplays before the user switched it on).
import { t } from './i18n.js';

const STORAGE = 'cx.console.alerts';
let enabled = localStorage.getItem(STORAGE) === '1';
let audio = null;
let onOpen = () => {};

function ensureAudio() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!audio && Ctx) audio = new Ctx();
  if (audio && audio.state === 'suspended') audio.resume().catch(() => undefined);
}

function beep() {
  ensureAudio();
  if (!audio) return;
  const start = audio.currentTime + 0.01;
  [880, 660].forEach((freq, i) => {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, start + i * 0.2);
    gain.gain.exponentialRampToValueAtTime(0.3, start + i * 0.2 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.2 + 0.18);
    osc.connect(gain).connect(audio.destination);
    osc.start(start + i * 0.2);
    osc.stop(start + i * 0.2 + 0.2);
  });
}

/** Wires the opt-in switch; `open(id)` shows an escalation when its notification is clicked. */
export function initAlerts(toggle, hint, open) {
  onOpen = open;
  toggle.checked = enabled;
  // Audio may only start after a user gesture: resume it on the first one.
  document.addEventListener('pointerdown', () => { if (enabled) ensureAudio(); }, { once: true });
  toggle.addEventListener('change', () => {
    enabled = toggle.checked;
    localStorage.setItem(STORAGE, enabled ? '1' : '0');
    hint.hidden = true;
    if (!enabled) return;
    ensureAudio();
    if ('Notification' in window && Notification.permission === 'default') {
      Notification.requestPermission().then((p) => { hint.hidden = p !== 'denied'; });
    } else if (!('Notification' in window) || Notification.permission === 'denied') hint.hidden = false;
  });
}

export function alertCritical(e) {
  if (!enabled) return;
  beep();
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  const reason = e.reasons && e.reasons[0] ? e.reasons[0].detail : '';
  const n = new Notification(t('alert.title'), {
    body: t('alert.body', { channel: e.channel ? t('channel.' + e.channel) : '', conversation: e.conversationId, reason }),
    tag: e.escalationId, requireInteraction: true,
  });
  n.onclick = () => { window.focus(); onOpen(e.escalationId); n.close(); };
}

export function setTitleCount(n) {
  const title = n > 0 ? t('title.count', { n }) : t('app.title');
  if (document.title !== title) document.title = title;
}
