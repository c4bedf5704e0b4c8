import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniq } from './ids';
import { TestKafka } from './kafka-test-client';
import { isolatedEnv, startServiceProcess, type ServiceProcess } from './service-process';

/** API keys of the router tests: role, tenant, teams, agent id. */
export const KEYS = {
  supervisor: 'rt-supervisor-key-0123456789abcdef',
  agentA1: 'rt-agent-a1-key-0123456789abcdef',
  agentA2: 'rt-agent-a2-key-0123456789abcdef',
  admin: 'rt-admin-key-0123456789abcdef',
  otherTenant: 'rt-other-tenant-admin-key-0123456789',
} as const;

const KEY_FILE = {
  [KEYS.supervisor]: { role: 'supervisor', tenant: 'default', teams: ['support', 'billing'], agentId: 'sup-1' },
  [KEYS.agentA1]: { role: 'agent', tenant: 'default', teams: ['support'], agentId: 'a1' },
  [KEYS.agentA2]: { role: 'agent', tenant: 'default', teams: ['support'], agentId: 'a2' },
  [KEYS.admin]: { role: 'admin', tenant: 'default' },
  [KEYS.otherTenant]: { role: 'admin', tenant: 'other' },
};

/** One router test's private slice: topic/key prefix, key and routing-config files, router processes. */
export class RouterFixture {
  readonly prefix = uniq('rt');
  readonly kafka = new TestKafka(this.prefix);
  readonly routers: ServiceProcess[] = [];
  readonly env: Record<string, string>;

  constructor(routingConfig: unknown = {}, extraEnv: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'cx-router-test-'));
    writeFileSync(join(dir, 'keys.json'), JSON.stringify(KEY_FILE));
    writeFileSync(join(dir, 'routing.json'), JSON.stringify(routingConfig));
    this.env = isolatedEnv(this.prefix, {
      ROUTER_API_KEYS_FILE: join(dir, 'keys.json'), ROUTER_CONFIG_FILE: join(dir, 'routing.json'),
      ROUTER_SCHEDULER_TICK_MS: '50', ROUTER_WEBHOOK_TICK_MS: '50', ...extraEnv,
    });
  }

  /** Starts `n` router instances in one consumer group (they share Redis state). */
  async start(n = 1): Promise<void> {
    this.routers.push(...await Promise.all(Array.from({ length: n }, () => startServiceProcess('router', this.env))));
  }

  get url(): string {
    return this.routers[0].url;
  }

  output(): string {
    return this.routers.map((r) => r.output()).join('\n');
  }

  async api(path: string, key: string | undefined, init: RequestInit = {}, url = this.url): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (key) headers.Authorization = `Bearer ${key}`;
    const res = await fetch(`${url}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
    const text = await res.text();
    let body: unknown = text;
    try { body = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
    return { status: res.status, body };
  }

  putAgent(id: string, agent: Record<string, unknown>, key: string = KEYS.admin) {
    return this.api(`/api/agents/${id}`, key, { method: 'PUT', body: JSON.stringify(agent) });
  }

  async stop(): Promise<void> {
    await Promise.all(this.routers.map((r) => r.stop('SIGTERM')));
    this.routers.length = 0;
    await this.kafka.close();
  }
}

export const agentBody = (name: string, role: 'agent' | 'supervisor', over: Record<string, unknown> = {}) => ({
  name, teams: ['support'], languages: ['en', 'de'], skills: [], role, status: 'available', maxConcurrent: 5, ...over,
});

export interface RequestOptions {
  detector?: 'emotion-detector' | 'sla-monitor';
  channel?: 'chat' | 'email' | 'call';
  customerId?: string;
  tier?: string;
  tenant?: string;
  intents?: string[];
  openPromises?: { promiseId: string; kind: string; dueAt: string; description?: string }[];
  id?: string;
}

/** A `cx.escalation.requested.v1` as a detector would send it. */
export function escalationRequest(conversationId: string, reasons: { code: string; detail: string; causeId?: string; evidence?: unknown[]; sla?: unknown }[],
  o: RequestOptions = {}) {
  const time = new Date().toISOString();
  return {
    specversion: '1.0', id: o.id ?? randomUUID(), source: `urn:test:${o.detector ?? 'emotion-detector'}`, type: 'cx.escalation.requested.v1',
    time, subject: conversationId, tenantid: o.tenant ?? 'default',
    data: {
      conversationId, channel: o.channel ?? 'chat', detector: o.detector ?? 'emotion-detector',
      reasons: reasons.map((r) => ({ at: time, evidence: [], causeId: randomUUID(), ...r })),
      intents: o.intents ?? [],
      customer: { ...(o.customerId ? { id: o.customerId } : {}), ...(o.tier ? { tier: o.tier } : {}), language: 'en' },
      ...(o.openPromises ? { context: { openPromises: o.openPromises } } : {}),
    },
  };
}
