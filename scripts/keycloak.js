// A real OpenID Connect provider for the security tests and for trying single sign-on locally:
// Keycloak's distribution from Maven Central (org.keycloak:keycloak-quarkus-dist), run on the
// machine's JDK with an embedded H2 database. (Dex was tried first: the Go module proxy serves
// no Dex release that builds with `go install`; see docs/security.md.)
//
// `ensure()` (or `node scripts/keycloak.js ensure`) downloads, builds (Quarkus augmentation) and
// imports deploy/keycloak/cx-realm.json once, cached under .infra/keycloak (git-ignored); a later
// start of the prepared server takes ~10 s instead of ~2 min. `start({ port })` runs it in its
// own process group and returns { url, stop() }.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const VERSION = '26.5.6';
const DIR = path.join(process.env.CX_INFRA_DIR || path.join(ROOT, '.infra'), 'keycloak');
const HOME = path.join(DIR, `keycloak-${VERSION}`);
const REALM_FILE = path.join(ROOT, 'deploy', 'keycloak', 'cx-realm.json');
const STAMP = path.join(DIR, 'prepared.json');
const HEAP = '-Xms64m -Xmx640m';

const log = (msg) => process.stderr.write(`keycloak: ${msg}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error ? r.error.message : 'exit ' + r.status}): ${(r.stderr || r.stdout || '').slice(-2000)}`);
  return r.stdout;
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function wanted() {
  const realm = crypto.createHash('sha256').update(fs.readFileSync(REALM_FILE)).digest('hex');
  return { version: VERSION, realm };
}

function prepared() {
  try {
    const have = JSON.parse(fs.readFileSync(STAMP, 'utf8'));
    const want = wanted();
    return have.version === want.version && have.realm === want.realm && fs.existsSync(path.join(HOME, 'lib'));
  } catch { return false; }
}

function kc(args, env = {}) {
  return { cmd: 'sh', args: [path.join(HOME, 'bin', 'kc.sh'), ...args], env: { ...process.env, JAVA_OPTS_KC_HEAP: HEAP, ...env } };
}

/** Starts the prepared server on a free port; resolves once its discovery document answers. */
async function start({ port, log: logFile } = {}) {
  port = port || await freePort();
  const out = fs.openSync(logFile || path.join(DIR, `keycloak-${port}.log`), 'w');
  const { cmd, args, env } = kc(['start', '--optimized', '--http-enabled=true', '--http-host=127.0.0.1', `--http-port=${port}`,
    '--hostname-strict=false', '--log-level=warn', ...(process.env.CX_KEYCLOAK_IMPORT ? ['--import-realm'] : [])]);
  // Its own process group: kc.sh forks the JVM, and stop() must end both (and nothing else).
  const child = spawn(cmd, args, { cwd: HOME, env, detached: true, stdio: ['ignore', out, out] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 20_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`keycloak exited with ${child.exitCode}; see ${logFile || DIR}`);
    const ok = await fetch(`${url}/realms/cx/.well-known/openid-configuration`).then((r) => r.ok, () => false);
    if (ok) return { url, issuer: `${url}/realms/cx`, port, pid: child.pid, stop };
    if (Date.now() > deadline) { await stop(); throw new Error('keycloak did not answer within 240 s'); }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Downloads, builds and imports the realm once; a no-op when .infra/keycloak is up to date. */
async function ensure() {
  if (prepared()) return HOME;
  fs.mkdirSync(DIR, { recursive: true });
  if (!fs.existsSync(path.join(HOME, 'lib'))) {
    if (!have('java') || !have('mvn')) throw new Error('Keycloak needs java (17+) and mvn: apt-get install -y openjdk-17-jre-headless maven');
    log(`fetching org.keycloak:keycloak-quarkus-dist:${VERSION} from Maven Central (first run only)`);
    run('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=org.keycloak:keycloak-quarkus-dist:${VERSION}:zip`, `-DoutputDirectory=${DIR}`]);
    const zip = path.join(DIR, `keycloak-quarkus-dist-${VERSION}.zip`);
    if (have('unzip')) run('unzip', ['-q', '-o', zip, '-d', DIR]);
    else run('python3', ['-m', 'zipfile', '-e', zip, DIR]);
    fs.rmSync(zip, { force: true });
  }
  log('building the server (Quarkus augmentation, once)');
  const build = kc(['build', '--db=dev-file', '--health-enabled=false', '--metrics-enabled=false']);
  run(build.cmd, build.args, { cwd: HOME, env: build.env });
  log('importing deploy/keycloak/cx-realm.json (once)');
  fs.rmSync(path.join(HOME, 'data'), { recursive: true, force: true });
  fs.mkdirSync(path.join(HOME, 'data', 'import'), { recursive: true });
  fs.copyFileSync(REALM_FILE, path.join(HOME, 'data', 'import', 'cx-realm.json'));
  process.env.CX_KEYCLOAK_IMPORT = '1';
  try {
    const kcs = await start({ log: path.join(DIR, 'import.log') });
    await kcs.stop();
  } finally {
    delete process.env.CX_KEYCLOAK_IMPORT;
  }
  fs.writeFileSync(STAMP, JSON.stringify(wanted()));
  return HOME;
}

module.exports = { ensure, start, VERSION };

if (require.main === module) {
  const cmd = process.argv[2];
  const main = cmd === 'ensure' ? () => ensure().then((h) => log(`ready in ${h}`))
    : cmd === 'run' ? async () => {
      await ensure();
      const kcs = await start({ port: Number(process.argv[3]) || 8180 });
      log(`listening on ${kcs.url} (issuer ${kcs.issuer}); users sup1 / sup1-password-0123, a1 / a1-password-0123; Ctrl-C stops it`);
      const bye = () => kcs.stop().then(() => process.exit(0));
      process.once('SIGINT', bye);
      process.once('SIGTERM', bye);
    }
    : null;
  if (!main) { process.stderr.write('usage: node scripts/keycloak.js ensure | run [port]\n'); process.exit(2); }
  main().catch((e) => { process.stderr.write(`keycloak: ${e.message}\n`); process.exit(1); });
}
