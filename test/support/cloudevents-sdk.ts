// Producing and reading events with clients nobody here wrote (docs/contract.md conformance): the
// official CloudEvents SDK's Kafka binding handed to a plain kafkajs producer, kcat from Debian,
// and the SDK parsing our outputs back. The conformance tests use only these helpers, never our
// own codec, so what they prove is what an integrator sees.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CloudEvent, Kafka as CeKafka, type KafkaMessage } from 'cloudevents';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { Received } from './kafka-test-client';

export const brokers = () => process.env.CX_TEST_BROKERS ?? '127.0.0.1:9092';

/** A fresh W3C traceparent (version 00, sampled) with a tracestate, as an OpenTelemetry producer sends it. */
export function newTrace(vendor: string): { traceparent: string; tracestate: string } {
  return { traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`, tracestate: `${vendor}=${randomBytes(4).toString('hex')},other=1` };
}

/** A plain kafkajs producer (acks=all), as an integrator's service would have. */
export class SdkProducer {
  private producer?: Producer;
  constructor(private readonly prefix: string) {}

  /** `Kafka.binary(event)` or `Kafka.structured(event)` of the SDK, sent as the SDK returned it. */
  async send(logical: string, mode: 'binary' | 'structured', event: CloudEvent<unknown>): Promise<void> {
    const message = mode === 'binary' ? CeKafka.binary(event) : CeKafka.structured(event);
    if (!this.producer) {
      this.producer = new Kafka({ clientId: 'cloudevents-sdk', brokers: [brokers()], logLevel: logLevel.NOTHING }).producer();
      await this.producer.connect();
    }
    // kafkajs takes key, value and timestamp from the SDK's message unchanged. The headers lose the
    // attributes the event leaves unset: the binding maps them to undefined, which kafkajs cannot
    // encode (tulios/kafkajs#1500), so every integrator drops them.
    const headers = Object.fromEntries(Object.entries(message.headers).filter(([, v]) => v !== undefined)) as Record<string, string>;
    await this.producer.send({ topic: `${this.prefix}.${logical}`, acks: -1, messages: [{ key: message.key, value: message.value as string | Buffer, headers, timestamp: message.timestamp }] });
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
  }
}

/**
 * Produces one binary-mode message with kcat (`-H name=value` headers, `-k` key, the value on
 * stdin) and resolves once kcat has exited 0 (it waits for delivery reports before exiting).
 */
export function kcatProduce(topic: string, key: string, headers: Record<string, string | null>, value: string): Promise<void> {
  const args = ['-P', '-b', brokers(), '-t', topic, '-k', key, '-X', 'acks=all'];
  // `-H name` without "=value" is a header with a null value (Kafka allows it; Java clients send them).
  for (const [k, v] of Object.entries(headers)) args.push('-H', v === null ? k : `${k}=${v}`);
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat exited ${code}: ${err}`))));
    child.stdin.end(`${value}\n`);
  });
}

/** A consumed message as the SDK's Kafka binding expects it (header values as strings). */
export function sdkEvent(m: Received): CloudEvent<unknown> {
  const message: KafkaMessage<string> = { key: m.key ?? '', value: m.value?.toString() ?? '', headers: m.headers, body: m.value?.toString() };
  const parsed = CeKafka.toEvent(message);
  if (Array.isArray(parsed)) throw new Error('expected one event, got a batch');
  // toEvent builds a CloudEvent instance (with validate()); its declared type is the plain interface.
  return parsed as CloudEvent<unknown>;
}
