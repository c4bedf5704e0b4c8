import { CompressionTypes, type Message, type Producer } from 'kafkajs';
import { STRUCTURED_CONTENT_TYPE } from '@cx/contracts';
import type { TrafficGenerator } from './traffic-generator';

export interface PacedResult { sent: number; poison: number; seconds: number; slowSends: number }

/**
 * Sends `total` generated events at `rate` per second. Each tick catches up to the schedule in
 * one batch, so the rate holds even when a send is slow.
 */
export async function sendPaced(producer: Producer, gen: TrafficGenerator, o: { rate: number; total: number; topicPrefix: string }): Promise<PacedResult> {
  const started = Date.now();
  let sent = 0;
  let poison = 0;
  let slowSends = 0;
  while (sent < o.total) {
    const due = Math.min(o.total, Math.floor(((Date.now() - started) / 1000) * o.rate));
    if (due > sent) {
      const byTopic = new Map<string, Message[]>();
      const now = Date.now();
      for (; sent < due; sent++) {
        const g = gen.next(now);
        if (g.poison) poison++;
        const topic = o.topicPrefix + g.topic;
        const list = byTopic.get(topic) ?? [];
        list.push({ key: g.key, value: typeof g.value === 'string' ? g.value : JSON.stringify(g.value), headers: { 'content-type': STRUCTURED_CONTENT_TYPE } });
        byTopic.set(topic, list);
      }
      await producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      if (Date.now() - now > 100) slowSends++;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return { sent, poison, seconds: (Date.now() - started) / 1000, slowSends };
}
