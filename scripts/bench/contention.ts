/*
 * `--contention`: a load of the benchmark's own that keeps a share of one core busy while the
 * stack runs (a busy loop for `share` of every 10 ms, asleep for the rest), so the report says
 * how the pipeline holds up when it does not have the machine to itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const BURNER = `
const share = Number(process.argv[1]);
const periodMs = 10;
let x = 0;
function tick() {
  const end = Date.now() + share * periodMs;
  while (Date.now() < end) x = (x * 1103515245 + 12345) >>> 0;
  setTimeout(tick, (1 - share) * periodMs);
}
tick();
process.on('SIGTERM', () => process.exit(0));
`;

export interface Contention {
  pid: number;
  stop(): Promise<void>;
}

export function startContention(share: number): Contention {
  const child: ChildProcess = spawn(process.execPath, ['-e', BURNER, String(share)], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
