/*
 * Network faults for tests: a client of Toxiproxy's HTTP API (the real server, built from its Go
 * module by scripts/tools.js) with ready-made proxies in front of the single Redis and broker and
 * in front of the clusters. Kafka clients must reach the brokers through their PROXIED listeners
 * (advertised as the proxy ports), or the metadata they get back would route around the proxy.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tools = require('../../scripts/tools.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const infra = require('../../scripts/infra.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cluster = require('../../scripts/cluster-infra.js');

export type ToxicStream = 'upstream' | 'downstream';
export type ToxicType = 'latency' | 'reset_peer' | 'timeout' | 'bandwidth' | 'slow_close' | 'slicer' | 'limit_data';
export interface ToxicSpec {
  type: ToxicType;
  attributes: Record<string, number>;
  /** downstream (server → client) unless told; `toxicity` is the share of connections hit (1 = all). */
  stream?: ToxicStream;
  toxicity?: number;
  name?: string;
}

const HOST = '127.0.0.1';
const hostPort = (port: number) => `${HOST}:${port}`;

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method, headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`toxiproxy ${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** One proxy: `listen` is where clients connect, `upstream` the real server. */
export class Proxy {
  private seq = 0;
  constructor(private readonly api: string, readonly name: string, readonly listen: string, readonly upstream: string) {}

  get port(): number {
    return Number(this.listen.split(':').pop());
  }

  /** Adds a toxic and returns its name (for removeToxic). */
  async addToxic(spec: ToxicSpec): Promise<string> {
    const stream = spec.stream ?? 'downstream';
    const name = spec.name ?? `${spec.type}-${stream}-${++this.seq}`;
    await call(`${this.api}/proxies/${this.name}/toxics`, 'POST', { name, type: spec.type, stream, toxicity: spec.toxicity ?? 1, attributes: spec.attributes });
    return name;
  }

  /** Delays every chunk of data by `ms` (± `jitter`) in one direction. */
  latency(ms: number, opts: { jitter?: number; stream?: ToxicStream } = {}): Promise<string> {
    return this.addToxic({ type: 'latency', stream: opts.stream, attributes: { latency: ms, jitter: opts.jitter ?? 0 } });
  }

  /** Resets connections with a TCP RST once data arrives (after `afterMs`, 0 = at once). */
  resetPeer(opts: { afterMs?: number; stream?: ToxicStream } = {}): Promise<string> {
    return this.addToxic({ type: 'reset_peer', stream: opts.stream ?? 'upstream', attributes: { timeout: opts.afterMs ?? 0 } });
  }

  /** Swallows all data and closes the connection after `ms` (0: holds it open, a silent partition). */
  timeout(ms: number, opts: { stream?: ToxicStream } = {}): Promise<string> {
    return this.addToxic({ type: 'timeout', stream: opts.stream ?? 'upstream', attributes: { timeout: ms } });
  }

  async removeToxic(name: string): Promise<void> {
    await call(`${this.api}/proxies/${this.name}/toxics/${name}`, 'DELETE');
  }

  async toxics(): Promise<{ name: string; type: ToxicType; stream: ToxicStream; attributes: Record<string, number> }[]> {
    return (await call(`${this.api}/proxies/${this.name}/toxics`, 'GET')) as never;
  }

  async removeAllToxics(): Promise<void> {
    for (const t of await this.toxics()) await this.removeToxic(t.name);
  }

  /** Closes every connection and stops listening: new connections are refused until enable(). */
  async disable(): Promise<void> {
    await call(`${this.api}/proxies/${this.name}`, 'POST', { enabled: false });
  }

  async enable(): Promise<void> {
    await call(`${this.api}/proxies/${this.name}`, 'POST', { enabled: true });
  }

  async delete(): Promise<void> {
    await call(`${this.api}/proxies/${this.name}`, 'DELETE');
  }
}

/**
 * The Toxiproxy server for one test file: `start()` runs it (or reuses one already answering);
 * `stop()` deletes the proxies made here and stops the server if `start()` started it.
 */
export class Toxiproxy {
  private readonly made = new Map<string, Proxy>();

  private constructor(readonly api: string, private readonly startedServer: boolean) {}

  static async start(): Promise<Toxiproxy> {
    const r = await tools.start('toxiproxy');
    return new Toxiproxy(r.api, r.started);
  }

  async version(): Promise<string> {
    return (await fetch(`${this.api}/version`)).text();
  }

  /** Creates (or replaces) a proxy named `name` listening on `listen` and forwarding to `upstream`. */
  async createProxy(name: string, listen: string, upstream: string): Promise<Proxy> {
    const existing = (await call(`${this.api}/proxies`, 'GET')) as Record<string, unknown>;
    if (existing[name]) await call(`${this.api}/proxies/${name}`, 'DELETE');
    await call(`${this.api}/proxies`, 'POST', { name, listen, upstream, enabled: true });
    const p = new Proxy(this.api, name, listen, upstream);
    this.made.set(name, p);
    return p;
  }

  /** A proxy in front of the single Redis; several (one per service) may share it on other ports. */
  async proxyRedis(name = 'redis', listenPort = 6390): Promise<{ proxy: Proxy; url: string }> {
    const upstream = new URL(process.env.CX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    const proxy = await this.createProxy(name, hostPort(listenPort), `${upstream.hostname}:${upstream.port || 6379}`);
    return { proxy, url: `redis://${proxy.listen}` };
  }

  /**
   * A proxy in front of the single broker's PROXIED listener; bootstrap clients at `brokers` and
   * every connection (metadata says so) goes through the proxy. All clients share this one proxy.
   */
  async proxyKafka(name = 'kafka'): Promise<{ proxy: Proxy; brokers: string }> {
    const t = infra.kafkaProxyListener();
    await this.requireListening(t.upstream, 'the single broker has no PROXIED listener; restart it (npm run infra:down && npm run infra:up)');
    const proxy = await this.createProxy(name, t.listen, t.upstream);
    return { proxy, brokers: t.listen };
  }

  /**
   * One proxy per Redis Cluster master (ports 7101-7103 → 7001-7003). The cluster announces the
   * real ports, so an ioredis Cluster must be given `natMap` to keep using the proxies.
   */
  async proxyRedisCluster(prefix = 'redis-cluster', basePort = 7101): Promise<{ proxies: Proxy[]; nodes: { host: string; port: number }[]; natMap: Record<string, { host: string; port: number }> }> {
    const proxies: Proxy[] = [];
    for (const [i, node] of (cluster.redis.nodes() as string[]).entries()) proxies.push(await this.createProxy(`${prefix}-${i + 1}`, hostPort(basePort + i), node));
    const natMap = Object.fromEntries(proxies.map((p) => [p.upstream, { host: HOST, port: p.port }]));
    return { proxies, nodes: proxies.map((p) => ({ host: HOST, port: p.port })), natMap };
  }

  /** One proxy per cluster broker, in front of its PROXIED listener (9492-9494 → 9392-9394). */
  async proxyKafkaCluster(prefix = 'kafka-cluster'): Promise<{ proxies: Proxy[]; brokers: string[] }> {
    const proxies: Proxy[] = [];
    for (const t of cluster.kafka.proxyTargets() as { id: number; listen: string; upstream: string }[]) {
      await this.requireListening(t.upstream, `kafka cluster broker ${t.id} is not running`);
      proxies.push(await this.createProxy(`${prefix}-${t.id}`, t.listen, t.upstream));
    }
    return { proxies, brokers: proxies.map((p) => p.listen) };
  }

  /** Enables every proxy and removes every toxic (Toxiproxy's own reset). */
  async reset(): Promise<void> {
    await call(`${this.api}/reset`, 'POST');
  }

  async stop(): Promise<void> {
    for (const p of this.made.values()) await p.delete().catch(() => undefined);
    this.made.clear();
    if (this.startedServer) await tools.stop('toxiproxy');
  }

  private async requireListening(address: string, why: string): Promise<void> {
    const [host, port] = address.split(':');
    if (!(await infra.portOpen(Number(port), host))) throw new Error(`nothing listens on ${address}: ${why}`);
  }
}
