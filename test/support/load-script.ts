import { customerMessage } from './events';
import type { TestKafka } from './kafka-test-client';

export const ANGRY = ['This is unacceptable, I have been waiting for three weeks!', 'Das ist eine Frechheit, ich warte seit drei Wochen!'];
export const CALM = ['Could you tell me your opening hours?', 'Danke, das hat geholfen.'];

/** `n` customer messages over `conversations` conversations; every 4th conversation is upset. */
export function customerLoad(prefix: string, n: number, conversations: number) {
  return Array.from({ length: n }, (_, i) => {
    const conv = `${prefix}-c${i % conversations}`;
    const upset = (i % conversations) % 4 === 0;
    const texts = upset ? ANGRY : CALM;
    return customerMessage(conv, texts[i % 2], 'chat', { id: `${prefix}-e${i}` });
  });
}

/**
 * `n` customer messages in which conversations keep starting for the whole run (`window` at a
 * time, `perConversation` messages each), so SLA clocks come due throughout a fault, not only at
 * the start; every 4th conversation is upset.
 */
export function rollingLoad(prefix: string, n: number, window = 20, perConversation = 4) {
  const block = window * perConversation;
  return Array.from({ length: n }, (_, i) => {
    const c = Math.floor(i / block) * window + (i % window);
    const upset = c % 4 === 0;
    return customerMessage(`${prefix}-c${c}`, (upset ? ANGRY : CALM)[Math.floor(i / window) % 2], 'chat', { id: `${prefix}-e${i}` });
  });
}

/**
 * Sends events at roughly `perSecond`, calling `at(ms)` hooks when their time has come (kill,
 * scale…). `stampAtSend` sets each event's `time` to when it is sent (SLA clocks then start as the
 * load goes, as on a live platform).
 */
export async function sendPaced(kafka: TestKafka, topic: string, events: { subject: string; time?: string }[], perSecond: number,
  hooks: { atMs: number; run: () => Promise<unknown> }[] = [], opts: { stampAtSend?: boolean; until?: () => boolean } = {}): Promise<number> {
  const started = Date.now();
  const pending = [...hooks].sort((a, b) => a.atMs - b.atMs);
  const running: Promise<unknown>[] = [];
  let sent = 0;
  // `until`: stop early once it holds (a load that lasts as long as a scale-out takes); returns how many were sent.
  while (sent < events.length && !opts.until?.()) {
    const due = Math.min(events.length, Math.floor(((Date.now() - started) / 1000) * perSecond));
    if (due > sent) {
      if (opts.stampAtSend) for (const e of events.slice(sent, due)) e.time = new Date().toISOString();
      await kafka.produce(topic, events.slice(sent, due));
      sent = due;
    }
    while (pending.length && Date.now() - started >= pending[0].atMs) running.push(pending.shift()!.run());
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all([...running, ...pending.map((h) => h.run())]);
  return sent;
}
