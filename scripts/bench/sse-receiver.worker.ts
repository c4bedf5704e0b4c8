/*
 * The bench's SSE client, on a thread of its own: the main thread also generates and sends the
 * load and scrapes every service each second, and an escalation that arrived while it was busy
 * was stamped late by as much (30-80 ms at the 95th-99th percentile in a traced run). Here each
 * event is stamped when it is parsed and handed to the main thread with that time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSse } from '../../test/support/sse-client';

export interface ReceivedSse { event: string; reasons: { at: string; code: string }[]; receivedAt: number }

const { url, token } = workerData as { url: string; token: string };
void openSse(url, token, (e, receivedAt) => {
  if (e.event !== 'raised' && e.event !== 'updated') return;
  const reasons = (e.data as { reasons?: { at: string; code: string }[] }).reasons ?? [];
  parentPort!.postMessage({ event: e.event, reasons: reasons.map(({ at, code }) => ({ at, code })), receivedAt } satisfies ReceivedSse);
}).then((s) => {
  // 'closed' comes after every event posted before it: one port delivers in order.
  parentPort!.on('message', (m) => { if (m === 'close') { s.close(); parentPort!.postMessage('closed'); } });
  parentPort!.postMessage('open');
}); // a failure to connect ends the worker with an error, which rejects openSseReceiver
