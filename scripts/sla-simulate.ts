// sla:simulate (docs/contract.md (SLA semantics)): runs the real SLA engine on a virtual clock over CloudEvents JSONL.
//   npm run --silent sla:simulate -- --policies FILE --events FILE.jsonl --until RFC3339 [--summary]
// stdout: one JSON line per SLA event fired, ordered by `at`; with --summary then one `sla.summary`
// line per policy and metric that had clocks. Bad input: exit code 2, message on stderr.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadPolicyFile, parseUntil, simulateJsonl } from '@cx/sla';

export const USAGE = 'usage: sla:simulate --policies FILE --events FILE.jsonl --until RFC3339 [--summary]';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The command without process side effects, so tests run exactly this code. */
export function runSimulateCli(argv: string[]): CliResult {
  const fail = (message: string): CliResult => ({ code: 2, stdout: '', stderr: `sla:simulate: ${message}\n` });
  let values: { policies?: string; events?: string; until?: string; summary?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { policies: { type: 'string' }, events: { type: 'string' }, until: { type: 'string' }, summary: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    return fail(`${(e as Error).message}\n${USAGE}`);
  }
  if (!values.policies || !values.events || !values.until) return fail(`--policies, --events and --until are required\n${USAGE}`);
  try {
    const until = parseUntil(values.until);
    const policies = loadPolicyFile(values.policies);
    let text: string;
    try {
      text = readFileSync(values.events, 'utf8');
    } catch (e) {
      return fail(`cannot read ${values.events}: ${(e as Error).message}`);
    }
    const { lines } = simulateJsonl(policies, text, until, { summary: values.summary === true });
    return { code: 0, stdout: lines.map((l) => `${l}\n`).join(''), stderr: '' };
  } catch (e) {
    // SimulationInputError ("line N: …"), PolicyFileError (names the field), bad --until
    const where = (e as Error).name === 'SimulationInputError' ? `${values.events}: ` : '';
    return fail(`${where}${(e as Error).message}`);
  }
}

if (require.main === module) {
  const r = runSimulateCli(process.argv.slice(2));
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  process.exitCode = r.code;
}
