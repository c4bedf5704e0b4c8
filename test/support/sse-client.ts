import http from 'node:http';

export interface SseEvent { event: string; data: unknown; id?: string }

/**
 * A minimal EventSource for tests: collects parsed events; `close()` ends the connection,
 * `ended` turns true when the server ends it. An empty token sends no Authorization header
 * (for streams opened with `?ticket=`). With `onEvent`, each event goes to it as it is parsed,
 * with the time it arrived, instead of being collected (a bench stream runs for minutes).
 */
export function openSse(url: string, token: string, onEvent?: (e: SseEvent, receivedAt: number) => void): Promise<{ events: SseEvent[]; status: number; ended: boolean; close(): void }> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
    const req = http.get(url, { headers }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let idx;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            const m = /^([a-z]+): ?(.*)$/.exec(line);
            if (m) fields[m[1]] = (fields[m[1]] ? fields[m[1]] + '\n' : '') + m[2];
          }
          if (fields.data === undefined) continue;
          const e = { event: fields.event ?? 'message', id: fields.id, data: JSON.parse(fields.data) };
          if (onEvent) onEvent(e, Date.now());
          else events.push(e);
        }
      });
      const stream = { events, status: res.statusCode ?? 0, ended: false, close: () => req.destroy() };
      res.on('end', () => { stream.ended = true; });
      res.on('close', () => { stream.ended = true; });
      resolve(stream);
    });
    req.on('error', reject);
  });
}
