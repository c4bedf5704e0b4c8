import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Response } from 'express';
import type { Escalation } from '@cx/contracts';
import { canSee, withLadderOutlook, type Principal } from '@cx/routing';
import { ATTR_TENANT, startWork } from '@cx/tracing';
import { TenantRoutingConfig } from '../config/routing-config.provider';
import { publicView } from '../store/escalation.store';
import { ChangeFeed, previousAssignee, type ChangeLabel, type ChangeMessage } from '../store/change-feed';
import { RouterMetrics } from '../router-metrics';

/** The SSE `event:` name per change (the dashboard's vocabulary). */
export const SSE_EVENT: Record<ChangeLabel, string> = {
  raised: 'raised', merged: 'updated', rerouted: 'updated', escalated: 'escalated', acknowledged: 'acknowledged', resolved: 'resolved',
  reassigned: 'reassigned', taken_over: 'taken_over', noted: 'updated', feedback: 'updated',
};

interface Client { principal: Principal; res: Response; }

/**
 * A tenant's clients. Agent keys see only escalations naming them (assignee, acknowledger,
 * resolver), so they are indexed by agent id: a change costs the supervisors plus a handful of
 * agents, not a scan over every connected agent.
 */
class TenantClients {
  readonly wide = new Set<Client>();
  readonly byAgent = new Map<string, Set<Client>>();
  size = 0;

  add(c: Client): void {
    this.size++;
    if (c.principal.role !== 'agent') return void this.wide.add(c);
    const id = c.principal.agentId ?? '';
    let set = this.byAgent.get(id);
    if (!set) this.byAgent.set(id, (set = new Set()));
    set.add(c);
  }

  delete(c: Client): boolean {
    const id = c.principal.agentId ?? '';
    const set = c.principal.role === 'agent' ? this.byAgent.get(id) : this.wide;
    if (!set?.delete(c)) return false;
    if (set !== this.wide && set.size === 0) this.byAgent.delete(id);
    this.size--;
    return true;
  }

  *candidates(e: Escalation, previous?: Escalation['assignee']): Iterable<Client> {
    yield* this.wide;
    const ids = new Set<string>();
    for (const a of [e.assignee, previous]) if (a && a.kind !== 'team') ids.add(a.id);
    if (e.acknowledgedBy) ids.add(e.acknowledgedBy);
    if (e.resolvedBy) ids.add(e.resolvedBy);
    for (const id of ids) yield* this.byAgent.get(id) ?? [];
  }

  *all(): Iterable<Client> {
    yield* this.wide;
    for (const set of this.byAgent.values()) yield* set;
  }
}

/**
 * Live dashboards. Each router instance holds its own SSE connections and listens to the change
 * feed (every instance's committed changes), and each client is sent only what its principal may
 * see (canSee). Clients are indexed by tenant, so one tenant's traffic never costs another
 * tenant's clients anything.
 */
@Injectable()
export class SseHub implements OnApplicationShutdown {
  private readonly byTenant = new Map<string, TenantClients>();
  private readonly keepAlive = setInterval(() => this.ping(), 15_000).unref();
  private readonly corked = new Set<Response>();
  private count = 0;

  constructor(feed: ChangeFeed, private readonly metrics: RouterMetrics, private readonly config: TenantRoutingConfig) {
    feed.subscribe((m) => this.deliver(m));
  }

  get size(): number {
    return this.count;
  }

  attach(principal: Principal, res: Response): void {
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.write('retry: 3000\n\n');
    const client = { principal, res };
    let set = this.byTenant.get(principal.tenant);
    if (!set) this.byTenant.set(principal.tenant, (set = new TenantClients()));
    set.add(client);
    this.count++;
    this.metrics.sseClients.inc({ role: principal.role });
    res.on('close', () => {
      if (!set!.delete(client)) return;
      this.count--;
      this.metrics.sseClients.dec({ role: principal.role });
      if (set!.size === 0) this.byTenant.delete(principal.tenant);
    });
  }

  /** Writes one change to the local clients allowed to see it; returns how many got it. */
  deliver(m: ChangeMessage): number {
    const clients = this.byTenant.get(m.escalation.tenantId);
    if (m.requestedAt !== undefined) this.metrics.requestToSse.observe(Math.max(0, Date.now() - m.requestedAt) / 1000);
    if (!clients) return 0;
    const e = m.escalation;
    const span = startWork('sse deliver', e.trace, 'producer', { [ATTR_TENANT]: e.tenantId, 'cx.change': m.change, 'cx.escalation.id': e.escalationId });
    const previous = previousAssignee(m);
    const before = previous !== undefined ? { ...e, assignee: previous } : undefined;
    let frame: string | undefined;
    let gone: string | undefined;
    let sent = 0;
    for (const c of clients.candidates(e, previous)) {
      if (canSee(c.principal, e, e.tenantId)) {
        // With its ladder deadline, so a console shows who has it until when without asking again.
        frame ??= `event: ${SSE_EVENT[m.change]}\nid: ${e.escalationId}:${e.updatedAt}\ndata: ${JSON.stringify(
          withLadderOutlook(publicView(e), this.config.forTenant(e.tenantId), e.ladderAt))}\n\n`;
        this.cork(c.res);
        c.res.write(frame);
        sent++;
      } else if (before && canSee(c.principal, before, e.tenantId)) {
        // It was theirs a moment ago (e.g. the ladder moved it on): tell them to drop it, nothing more.
        gone ??= `event: withdrawn\ndata: ${JSON.stringify({ escalationId: e.escalationId, status: e.status })}\n\n`;
        c.res.write(gone);
      }
    }
    span?.end({ 'cx.sse.clients': sent });
    return sent;
  }

  /**
   * Changes arrive in bursts (one Redis read often carries many pub/sub messages): hold each
   * client's writes until the burst is handled, so a busy stream costs one syscall per burst.
   */
  private cork(res: Response): void {
    if (this.corked.has(res)) return;
    this.corked.add(res);
    res.cork();
    if (this.corked.size === 1) {
      setImmediate(() => {
        for (const r of this.corked) r.uncork();
        this.corked.clear();
      });
    }
  }

  private ping(): void {
    for (const set of this.byTenant.values()) for (const c of set.all()) c.res.write(': keep-alive\n\n');
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.keepAlive);
    for (const set of this.byTenant.values()) for (const c of set.all()) c.res.end();
    this.byTenant.clear();
  }
}
