/*
 * The change feed: every committed escalation change, published by the commit script itself
 * (PUBLISH runs inside the commit, and not at all if it did not apply) to one pub/sub channel that
 * every router instance subscribes to. Live dashboards (SseHub) and the routing view's load counts
 * (AgentDirectory) listen here; neither depends on who committed the change.
 */
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Escalation } from '@cx/contracts';
import { duplicateClient, REDIS, type RedisClient } from '@cx/redis';
import type { Fanout } from '@cx/runtime';
import { RouterKeys } from '../router-keys';
import type { StoredEscalation } from './escalation.store';

export type ChangeLabel = 'raised' | 'merged' | 'rerouted' | 'escalated' | 'acknowledged' | 'resolved'
  | 'reassigned' | 'taken_over' | 'noted' | 'feedback';

/** One escalation change as it travels to every router instance. */
export interface ChangeMessage {
  change: ChangeLabel;
  escalation: StoredEscalation;
  /** The stored version it replaced (assignee and status), so listeners can tell what moved. */
  before?: Pick<StoredEscalation, 'escalationId' | 'status' | 'assignee'>;
  /** Event time (epoch ms) of the request that caused it, for the request → SSE latency histogram. */
  requestedAt?: number;
}

export function beforeOf(e: StoredEscalation | undefined): ChangeMessage['before'] {
  return e ? { escalationId: e.escalationId, status: e.status, assignee: e.assignee } : undefined;
}

/** Who a change is about besides its current assignee: the one it left (they are told it went away). */
export function previousAssignee(m: ChangeMessage): Escalation['assignee'] | undefined {
  const b = m.before;
  return b && b.escalationId === m.escalation.escalationId && JSON.stringify(b.assignee) !== JSON.stringify(m.escalation.assignee) ? b.assignee : undefined;
}

@Injectable()
export class ChangeFeed implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('ChangeFeed');
  private readonly listeners: ((m: ChangeMessage) => void)[] = [];
  private subscriber?: RedisClient;

  constructor(@Inject(REDIS) private readonly redis: RedisClient, private readonly keys: RouterKeys) {}

  /** The fan-out entry of a change, for the Change that commits it. */
  fanout(m: ChangeMessage): Fanout {
    return { channel: this.keys.changeChannel, message: JSON.stringify(m) };
  }

  subscribe(listener: (m: ChangeMessage) => void): void {
    this.listeners.push(listener);
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = duplicateClient(this.redis, 'rt-feed');
    this.subscriber.on('message', (_channel: string, raw: string) => {
      let m: ChangeMessage;
      try {
        m = JSON.parse(raw) as ChangeMessage;
      } catch (e) {
        return void this.log.error(`bad change message: ${(e as Error).message}`);
      }
      for (const l of this.listeners) {
        try { l(m); } catch (e) { this.log.error(`change listener failed: ${(e as Error).message}`); }
      }
    });
    await this.subscriber.subscribe(this.keys.changeChannel);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
