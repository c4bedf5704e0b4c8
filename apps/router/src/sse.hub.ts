import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Response } from 'express';
import { canSee, type Principal } from '@cx/routing';
import type { StoredEscalation } from './escalation.store';

export type ChangeKind = 'raised' | 'updated' | 'acknowledged' | 'resolved' | 'escalated';

interface Client { principal: Principal; res: Response; }

/** Live dashboards: one SSE connection per client, each sent only what its principal may see. */
@Injectable()
export class SseHub implements OnApplicationShutdown {
  private readonly clients = new Set<Client>();
  private readonly keepAlive = setInterval(() => this.ping(), 15_000).unref();

  get size(): number {
    return this.clients.size;
  }

  attach(principal: Principal, res: Response): void {
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    const client = { principal, res };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
  }

  publish(kind: ChangeKind, escalation: StoredEscalation): number {
    let sent = 0;
    let frame: string | undefined;
    for (const c of this.clients) {
      if (!canSee(c.principal, escalation, escalation.tenantId)) continue;
      frame ??= `event: ${kind}\nid: ${escalation.escalationId}:${escalation.updatedAt}\ndata: ${JSON.stringify(withoutTenant(escalation))}\n\n`;
      c.res.write(frame);
      sent++;
    }
    return sent;
  }

  private ping(): void {
    for (const c of this.clients) c.res.write(': keep-alive\n\n');
  }

  onApplicationShutdown(): void {
    clearInterval(this.keepAlive);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}

export function withoutTenant(e: StoredEscalation) {
  const { tenantId: _t, ...rest } = e;
  return rest;
}
