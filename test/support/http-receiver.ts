import http from 'node:http';

export interface Received { path: string; body: any; at: number; status: number; headers: http.IncomingHttpHeaders; }

/**
 * A local HTTP receiver for webhook tests: `plan(path)` gives the status for the n-th request to a
 * path (e.g. fail twice, then succeed); every request is recorded with the status it got.
 */
export async function startReceiver(plan: (path: string, n: number) => number): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { raw += c; });
    req.on('end', () => {
      const path = req.url ?? '/';
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const status = plan(path, n);
      let body: unknown = raw;
      try { body = JSON.parse(raw); } catch { /* keep the text */ }
      received.push({ path, body, at: Date.now(), status, headers: req.headers });
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
