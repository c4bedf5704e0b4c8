/*
 * One conversation's escalation change as a runtime Change: the steps a plan took (a merge, a
 * re-route, a ladder step, an acknowledgement), written once as the final escalation over the one
 * that was read (guarded by it: the inbox, the ladder and the API race for the same escalation and
 * the loser plans again), with every step's events, fan-out message and metrics.
 */
import type { Cmd, Change, Count, Fanout, OutEvent } from '@cx/runtime';
import { digestOf } from '@cx/runtime';
import { changeCounts } from '../router-metrics';
import { beforeOf, type ChangeFeed, type ChangeLabel } from './change-feed';
import type { EscalationStore, Read, StoredEscalation } from './escalation.store';

export interface EscalationStep {
  after: StoredEscalation;
  change: ChangeLabel;
  events?: OutEvent[];
  /** Effects committed with it (webhook jobs). */
  commands?: Cmd[];
  /** The ladder timer: undefined leaves it, null removes it. */
  timer?: number | null;
  requestedAt?: number;
  /** More metrics of this step. */
  counts?: Count[];
}

export class ConversationChange {
  private current: StoredEscalation | undefined;
  private readonly events: OutEvent[] = [];
  private readonly commands: Cmd[] = [];
  private readonly fanout: Fanout[] = [];
  private readonly counts: Count[] = [];
  private timer: number | null | undefined;
  private changed = false;

  constructor(
    private readonly read: Read,
    private readonly store: EscalationStore,
    private readonly feed: ChangeFeed,
  ) {
    this.current = read.escalation;
  }

  get escalation(): StoredEscalation | undefined {
    return this.current;
  }

  /** A timer change without a change of the escalation (the ladder rescheduling a check). */
  reschedule(at: number | null): void {
    this.timer = at;
  }

  step(s: EscalationStep): void {
    const events = s.events ?? [];
    this.fanout.push(this.feed.fanout({ change: s.change, escalation: s.after, before: beforeOf(this.current), requestedAt: s.requestedAt }));
    this.counts.push(...changeCounts(s.change, s.after.severity, s.after.assignee?.kind, events), ...(s.counts ?? []));
    this.events.push(...events);
    if (s.commands) this.commands.push(...s.commands);
    if (s.timer !== undefined) this.timer = s.timer;
    this.current = s.after;
    this.changed = true;
  }

  /** The Change (or undefined when nothing changed). */
  toChange(ttlSeconds: number): Change | undefined {
    const e = this.current;
    if (!e || (!this.changed && this.timer === undefined)) return undefined;
    const route = this.store.route(e.tenantId, e.conversationId);
    const commands = [...(this.changed ? this.store.saveCommands(e, this.read.escalation, ttlSeconds) : []), ...this.commands];
    if (this.timer !== undefined) commands.push(this.store.scheduleCommand(e, this.timer));
    return {
      shard: route.shard, entity: route.entity,
      guards: [{ key: route.key, digest: digestOf(this.read.raw) }],
      commands, events: this.events, fanout: this.fanout, counts: this.counts,
    };
  }
}
