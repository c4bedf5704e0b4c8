/*
 * Where a service's CPU goes, from the V8 profiles `--cpu-prof` writes (run the benchmark with
 * CX_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR"): self time by function and by package,
 * and inclusive time of the functions that matter, so an optimization starts from a measurement.
 *
 *   node -r @swc-node/register scripts/bench/profile-summary.ts DIR/*.cpuprofile [--top 40] [--match text]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}
interface Profile { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

function where(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  if (url === '') return '(native/gc)';
  return url.replace(/^.*\/(apps|libs|dist)\//, '$1/');
}

export function summarize(file: string, top = 30, match?: string): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Sample times: each sample's delta is the time until the next one.
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i + 1] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const key = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const pkg = new Map<string, number>();
  const incl = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    self.set(key(n), (self.get(key(n)) ?? 0) + us);
    pkg.set(where(n.callFrame.url), (pkg.get(where(n.callFrame.url)) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  const list = (m: Map<string, number>, n: number, filter?: string) => [...m].filter(([k]) => !filter || k.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `${pct(us)}  ${k}`);
  return [
    `# ${file}: ${(total / 1e6).toFixed(1)} s sampled over ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s`,
    '## self time by package', ...list(pkg, 25),
    '## self time by function', ...list(self, top),
    `## inclusive time${match ? ` (matching "${match}")` : ''}`, ...list(incl, top, match),
  ].join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 30;
  const matchAt = args.indexOf('--match');
  const match = matchAt >= 0 ? args.splice(matchAt, 2)[1] : undefined;
  for (const f of args) process.stdout.write(summarize(f, top, match) + '\n\n');
}
