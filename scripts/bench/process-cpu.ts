/*
 * Process CPU time read from /proc/<pid>/stat (user + system, every thread of the process: the
 * publish worker counts), so the benchmark measures the services, the no-op pipeline, the broker
 * and Redis the same way, without trusting what a process says about itself.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds a process has used so far, or null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: the fields after it start past the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND; // utime, stime (fields 14, 15)
  } catch {
    return null;
  }
}

/** Resident set size in MB, or null once the process is gone. */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** The pid listening on a local TCP port (the broker, Redis), if `ss` can tell. */
export function listenerPid(port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
    const m = /pid=(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Busy CPU seconds of the whole machine (all cores) so far, from /proc/stat. */
export function machineBusySeconds(): number | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
    return (f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0)) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Snapshot key of the whole machine's busy time; `cpuBetween` turns it into "machine" and "others". */
const MACHINE = '(machine)';

export type CpuSnapshot = Map<string, number>;

export function snapshot(pids: Record<string, number | undefined>): CpuSnapshot {
  const s: CpuSnapshot = new Map();
  const m = machineBusySeconds();
  if (m !== null) s.set(MACHINE, m);
  for (const [name, pid] of Object.entries(pids)) {
    const c = pid ? cpuSeconds(pid) : null;
    if (c !== null) s.set(name, c);
  }
  return s;
}

/**
 * CPU seconds each process used between two snapshots, plus `others`: what the rest of the
 * machine used meanwhile (the machine is shared; a report must say how busy it was).
 */
export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  let ours = 0;
  for (const [name, end] of b) {
    const start = a.get(name);
    if (start === undefined || name === MACHINE) continue;
    out[name] = end - start;
    ours += end - start;
  }
  const m0 = a.get(MACHINE);
  const m1 = b.get(MACHINE);
  if (m0 !== undefined && m1 !== undefined) out.others = Math.max(0, m1 - m0 - ours);
  return out;
}

/** CPU µs per input event, per process and in total over `services` (the processes of the pipeline). */
export function perEvent(cpu: Record<string, number>, events: number, services: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (events <= 0) return out;
  let total = 0;
  for (const [name, s] of Object.entries(cpu)) {
    out[name] = Math.round((s * 1e6) / events);
    if (services.includes(name)) total += s;
  }
  out.total = Math.round((total * 1e6) / events);
  return out;
}

/** A generator that counts what it handed out, so a measured window knows its input events exactly. */
export function countingGenerator<G extends { next(now: number): unknown }>(gen: G): { gen: G; count(): number } {
  let n = 0;
  const next = gen.next.bind(gen);
  const wrapped = Object.create(gen) as G;
  wrapped.next = ((now: number) => { n++; return next(now); }) as G['next'];
  return { gen: wrapped, count: () => n };
}
