import Redis from 'ioredis';
import { escalationRequest, type RequestOptions } from './router-fixture';

/**
 * Helpers of the console tests: escalation requests that carry the customer's last messages (as
 * the emotion detector sends them), and a Redis client for checking what the router stored.
 */
export interface Message { messageId: string; text: string; at?: string; language?: string; negative?: boolean }

export function requestWithMessages(conversationId: string, reasons: Parameters<typeof escalationRequest>[1], messages: Message[],
  o: RequestOptions & { language?: string } = {}) {
  const r = escalationRequest(conversationId, reasons, o);
  const now = Date.now();
  const lastMessages = messages.map((m, i) => ({
    at: new Date(now - (messages.length - i) * 1000).toISOString(), language: o.language ?? 'en', negative: true, ...m,
  }));
  return {
    ...r,
    data: {
      ...r.data,
      customer: { ...r.data.customer, language: o.language ?? 'en' },
      context: { ...(r.data as { context?: object }).context, lastMessages },
    },
  };
}

export function testRedis(): Redis {
  return new Redis(process.env.CX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 2 });
}

/** Scrapes one sample of a Prometheus text exposition, or undefined when absent. */
export async function metricValue(url: string, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    if (want.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
