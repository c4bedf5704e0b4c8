/*
 * Ids of escalation events: the same change replayed has the same id (consumers de-duplicate it),
 * and two different changes never share one, also when they happen at the same instant.
 */
import { mergeRequest, RoutingConfig } from '@cx/routing';
import { reason, request, T0 } from '../../../../libs/routing/src/test-fixtures';
import { lifecycleEvent } from './escalation-events';
import type { StoredEscalation } from './escalation.store';

const config = RoutingConfig.parse({});
const stored = (e: ReturnType<typeof mergeRequest>['escalation']): StoredEscalation => ({ ...e, tenantId: 'acme' });

describe('lifecycleEvent ids', () => {
  const raised = stored(mergeRequest(undefined, request([reason('negative_emotion', 'm1')]), config, T0).escalation);
  // Two requests of one conversation stamped with the same event time (two signals of one instant),
  // merged into the open escalation one after the other.
  const first = mergeRequest(raised, request([reason('negative_streak', 'm2')]), config, T0);
  const second = mergeRequest(stored(first.escalation), request([reason('negative_emotion', 'm3')]), config, T0);

  it('differ for two merges at the same instant', () => {
    // Both change the stored escalation, so the inbox announces both as 'merged'.
    expect(first.escalation).not.toBe(raised);
    expect(second.escalation).not.toEqual(first.escalation);
    const a = lifecycleEvent('merged', stored(first.escalation), 'req-a').event as unknown as { id: string; time: string; data: unknown };
    const b = lifecycleEvent('merged', stored(second.escalation), 'req-b').event as unknown as { id: string; time: string; data: unknown };
    expect(b.time).toBe(a.time);
    expect(b.data).not.toEqual(a.data);
    expect(b.id).not.toBe(a.id);
  });

  it('repeat for the same merge replayed', () => {
    const a = lifecycleEvent('merged', stored(first.escalation), 'req-a').event;
    expect(lifecycleEvent('merged', stored(first.escalation), 'req-a').event.id).toBe(a.id);
  });
});
