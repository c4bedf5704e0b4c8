// Dependency-free pre-step for every npm script that needs node_modules: on a fresh clone (or
// when package-lock.json is newer than the installed tree) it runs `npm ci`. It writes only to
// stderr so that commands run with `npm run --silent` keep a clean stdout.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
// npm rewrites this hidden lockfile on every install, so it is newer than the lock when in sync.
const installed = join(root, 'node_modules', '.package-lock.json');

const upToDate = existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs;
if (!upToDate) {
  process.stderr.write('bootstrap: installing npm dependencies (npm ci)...\n');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (r.status !== 0) {
    process.stderr.write(`bootstrap: npm ci failed with exit code ${r.status}\n`);
    process.exit(r.status ?? 1);
  }
}
