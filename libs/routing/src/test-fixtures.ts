import type { EscalationRequested, Reason } from '@cx/contracts';
import type { AgentWithLoad } from './routing';

export const T0 = '2026-03-02T10:00:00.000Z';
export const at = (minutes: number, base = T0) => new Date(Date.parse(base) + minutes * 60_000).toISOString();

export function reason(code: Reason['code'], causeId: string, extra: Partial<Reason> = {}): Reason {
  return { code, detail: `${code} detail`, at: T0, causeId, evidence: [], ...extra };
}

export function request(reasons: Reason[], data: Partial<EscalationRequested['data']> = {}, tenant = 'acme'): EscalationRequested {
  return {
    specversion: '1.0', id: `req-${reasons.map((r) => r.causeId).join('+')}`, source: 'test', type: 'cx.escalation.requested.v1',
    time: T0, subject: 'conv-1', tenantid: tenant,
    data: {
      conversationId: 'conv-1', channel: 'chat', detector: 'emotion-detector', reasons, intents: [], customer: {},
      ...data,
    },
  };
}

export function agent(agentId: string, over: Partial<AgentWithLoad> = {}): AgentWithLoad {
  return {
    agentId, name: agentId, teams: ['support'], languages: ['en', 'de'], skills: [], role: 'agent', status: 'available',
    maxConcurrent: 3, load: 0, ...over,
  };
}
