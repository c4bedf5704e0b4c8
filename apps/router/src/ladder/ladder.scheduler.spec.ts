import type { ChainableCommander } from 'ioredis';
import { ackTimeoutMs, AgentIndex, mergeRequest, RoutingConfig } from '@cx/routing';
import { agent, reason, request } from '../../../../libs/routing/src/test-fixtures';
import type { CommitPlan } from '../store/escalation-writer';
import type { StoredEscalation } from '../store/escalation.store';
import { LadderScheduler } from './ladder.scheduler';
import { TenantRoutingConfig } from '../config/routing-config.provider';

const config = RoutingConfig.parse({});
const HOUR = 3_600_000;

/** The scheduler against narrow fakes: a store with one escalation, a writer that runs the plan once. */
function setup(e: StoredEscalation) {
  const saved: StoredEscalation[] = [];
  const scheduled: (number | null)[] = [];
  const plans: CommitPlan<void>[] = [];
  const store = {
    convKey: () => 'conv-key',
    byConversation: async () => e,
    save: (_m: ChainableCommander, next: StoredEscalation) => saved.push(next),
    schedule: (_m: ChainableCommander, _e: unknown, at: number | null) => scheduled.push(at),
  };
  const writer = {
    commit: async (_op: string, _watch: string[], plan: () => Promise<CommitPlan<void>>) => {
      const p = await plan();
      plans.push(p);
      p.apply?.({} as ChainableCommander);
      return p.result;
    },
  };
  const loads = { addAll: () => loads, commit: () => undefined, cancel: () => undefined };
  const directory = {
    withLoad: async () => new AgentIndex([agent('a1', { load: 1 }), agent('a2'), agent('sup-1', { role: 'supervisor' })]),
    reserve: () => loads,
  };
  const queue = { enqueue: () => undefined };
  const scheduler = new LadderScheduler({} as never, {} as never, store as never, writer as never, directory as never, queue as never,
    new TenantRoutingConfig(), 3600, 1000);
  return { scheduler, saved, scheduled, plans };
}

describe('LadderScheduler.step', () => {
  const raised = mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), config, new Date(Date.now() - 3 * HOUR)).escalation;
  const timeout = ackTimeoutMs(config, raised.severity);

  it('moves a timed-out step to the next agent, at the due time, and sets the next timer', async () => {
    const ladderAt = new Date(Date.now() - 2 * HOUR).toISOString();
    const e: StoredEscalation = { ...raised, tenantId: 'acme', assignee: { kind: 'agent', id: 'a1' }, ladderAt };
    const { scheduler, saved, scheduled, plans } = setup(e);
    await scheduler.step({ tenant: 'acme', conversationId: 'conv-1' });
    const due = Date.parse(ladderAt) + timeout;
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ assignee: { kind: 'agent', id: 'a2' }, ladderStep: 1, ladderAt: new Date(due).toISOString(), updatedAt: new Date(due).toISOString() });
    expect(scheduled).toEqual([due + timeout]);
    expect(plans[0].events!.map((x) => x.event.type)).toEqual(['cx.escalation.updated.v1', 'cx.notification.sent.v1']);
    expect(plans[0].changes![0]).toMatchObject({ change: 'escalated', previousAssignee: { kind: 'agent', id: 'a1' } });
  });

  it('only re-arms the timer when the step is not due yet', async () => {
    const ladderAt = new Date(Date.now() - 60_000).toISOString();
    const { scheduler, saved, scheduled, plans } = setup({ ...raised, tenantId: 'acme', assignee: { kind: 'agent', id: 'a1' }, ladderAt });
    await scheduler.step({ tenant: 'acme', conversationId: 'conv-1' });
    expect(saved).toEqual([]);
    expect(scheduled).toEqual([Date.parse(ladderAt) + timeout]);
    expect(plans[0].events).toBeUndefined();
  });

  it('drops the timer of an acknowledged escalation', async () => {
    const { scheduler, saved, scheduled } = setup({ ...raised, tenantId: 'acme', status: 'acknowledged', assignee: { kind: 'agent', id: 'a1' } });
    await scheduler.step({ tenant: 'acme', conversationId: 'conv-1' });
    expect(saved).toEqual([]);
    expect(scheduled).toEqual([null]);
  });
});
