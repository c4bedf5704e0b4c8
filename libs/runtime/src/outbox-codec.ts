/*
 * How committed events wait in a shard's outbox until Kafka has them: one line per Kafka record,
 * `topic TAB JSON(key) TAB value`. Values are structured CloudEvents (JSON.stringify never emits a
 * raw newline or tab), so lines and fields need no further escaping, and the committer writes the
 * same bytes it then sends.
 */
import { encodeCloudEvent } from '@cx/contracts';
import type { KafkaOut } from '@cx/kafka';
import type { OutEvent } from './plan';

export interface EncodedEvent {
  record: KafkaOut;
  line: string;
  type: string;
}

export function encodeOut(e: OutEvent): EncodedEvent {
  const m = encodeCloudEvent(e.event);
  return {
    record: { topic: e.topic, key: m.key, value: m.value, headers: m.headers },
    line: `${e.topic}\t${JSON.stringify(m.key)}\t${m.value}`,
    type: e.event.type,
  };
}

/** The records an outbox entry stands for, in commit order. */
export function decodeOutbox(entry: string): KafkaOut[] {
  const { headers } = encodeCloudEvent({ subject: '' });
  return entry.split('\n').filter(Boolean).map((line) => {
    const a = line.indexOf('\t');
    const b = line.indexOf('\t', a + 1);
    if (a <= 0 || b <= a) throw new Error('malformed outbox line');
    return { topic: line.slice(0, a), key: JSON.parse(line.slice(a + 1, b)) as string, value: line.slice(b + 1), headers };
  });
}

/** The logical topic and CloudEvent type of a line, for the produced-events metric. */
export function lineLabels(line: string): { topic: string; type: string } {
  const a = line.indexOf('\t');
  const m = /"type":"([^"]{1,128})"/.exec(line);
  return { topic: line.slice(0, a), type: m?.[1] ?? 'unknown' };
}
