// Test tools that nobody here wrote, built from their Go modules and run as local processes:
// Toxiproxy (a TCP fault proxy, for network-fault tests) and Jaeger v2 (an OTLP receiver with a
// query API, for tracing tests). Each is built once with `go install` into a versioned GOBIN under
// .infra/tools/ (Go's module and build caches make a rebuild in a fresh clone quick), started on
// demand, reused when already answering, and stopped only by the pid we recorded.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const infra = require('./infra.js');
const { HOST, log, run, have, aptInstall, readPid, alive, waitFor, stopPid } = infra.util;

const ROOT = path.join(__dirname, '..');
const TOOLS_DIR = path.join(infra.INFRA, 'tools');
// toxiproxy: `go install module/cmd@version`, checksums from the Go checksum database.
// jaeger: its go.mod has a replace directive, which `go install pkg@version` refuses, so it is
// pinned (and its go.sum kept) by the tools module deploy/tools/jaeger and installed from there.
const TOOLS = {
  toxiproxy: { pkg: 'github.com/Shopify/toxiproxy/v2/cmd/server', version: 'v2.12.0', bin: 'server' },
  jaeger: { pkg: 'github.com/jaegertracing/jaeger/cmd/jaeger', version: 'v1.76.0', bin: 'jaeger', module: 'deploy/tools/jaeger' },
};
const PORTS = {
  toxiproxy: Number(process.env.TOXIPROXY_PORT || 8474),
  otlpGrpc: Number(process.env.JAEGER_OTLP_GRPC_PORT || 4317),
  otlpHttp: Number(process.env.JAEGER_OTLP_HTTP_PORT || 4318),
  query: Number(process.env.JAEGER_QUERY_PORT || 16686),
  queryGrpc: Number(process.env.JAEGER_QUERY_GRPC_PORT || 16685),
  health: Number(process.env.JAEGER_HEALTH_PORT || 13133),
};

function binPath(name) {
  const t = TOOLS[name];
  if (!t) throw new Error(`unknown tool ${name} (${Object.keys(TOOLS).join(', ')})`);
  return path.join(TOOLS_DIR, `${name}-${t.version}`, t.bin);
}

// Debian 12's golang-go is Go 1.19, older than the tools need and older than GOTOOLCHAIN; then
// the same toolchain that GOTOOLCHAIN would switch to is taken from the Go module proxy.
const FALLBACK_TOOLCHAIN = 'go1.26.8';

function goMinor(go, env = process.env) {
  const v = spawnSync(go, ['env', 'GOVERSION'], { encoding: 'utf8', env }).stdout?.trim() ?? '';
  const m = /^go1\.(\d+)/.exec(v);
  return m ? Number(m[1]) : 0;
}

/** The go command and its environment: PATH, then /usr/local/go, then Debian's golang-go. */
function goCommand() {
  let go = have('go') ? 'go' : fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined;
  if (!go) { aptInstall('golang-go'); go = 'go'; }
  if (goMinor(go) >= 23) return { go, env: process.env };
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
  const mod = `golang.org/toolchain@v0.0.1-${FALLBACK_TOOLCHAIN}.linux-${arch}`;
  log(`${go} is too old for the test tools; fetching ${mod} from the Go module proxy`);
  const { Dir } = JSON.parse(run(go, ['mod', 'download', '-json', mod], { cwd: require('node:os').tmpdir() }));
  // Module zips keep no file modes: make the toolchain's programs executable, as the go command does.
  for (const sub of ['bin', `pkg/tool/linux_${arch}`]) {
    for (const f of fs.readdirSync(path.join(Dir, sub))) fs.chmodSync(path.join(Dir, sub, f), 0o555);
  }
  const env = { ...process.env, GOROOT: Dir, GOTOOLCHAIN: 'local' };
  const newer = path.join(Dir, 'bin', 'go');
  if (goMinor(newer, env) < 23) throw new Error(`no usable Go toolchain: ${newer} does not run`);
  return { go: newer, env };
}

/** Builds `name` unless its binary is there; returns the binary's path. */
function build(name) {
  const bin = binPath(name);
  if (fs.existsSync(bin)) return bin;
  const t = TOOLS[name];
  const { go, env: goEnv } = goCommand();
  // Install into a scratch GOBIN and rename, so a build cut short never leaves a half binary.
  const scratch = `${path.dirname(bin)}.tmp-${process.pid}`;
  fs.mkdirSync(scratch, { recursive: true });
  const started = Date.now();
  log(`building ${name} ${t.version} with go install (first run only)`);
  const env = { ...goEnv, GOBIN: scratch };
  if (t.module) run(go, ['install', t.pkg], { cwd: path.join(ROOT, t.module), env });
  else run(go, ['install', `${t.pkg}@${t.version}`], { cwd: ROOT, env });
  fs.rmSync(path.dirname(bin), { recursive: true, force: true });
  fs.renameSync(scratch, path.dirname(bin));
  log(`built ${name} in ${Date.now() - started} ms`);
  return bin;
}

async function httpOk(url) {
  try { return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok; } catch { return false; }
}

function jaegerConfig() {
  // OTLP in, in-memory storage, the query API; no other receivers, no own metrics endpoint.
  const conf = `
service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    traces:
      level: none
    logs:
      level: warn
extensions:
  healthcheckv2:
    use_v2: true
    http:
      endpoint: ${HOST}:${PORTS.health}
  jaeger_query:
    enable_tracing: false
    storage:
      traces: memstore
    http:
      endpoint: ${HOST}:${PORTS.query}
    grpc:
      endpoint: ${HOST}:${PORTS.queryGrpc}
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 100000
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ${HOST}:${PORTS.otlpGrpc}
      http:
        endpoint: ${HOST}:${PORTS.otlpHttp}
processors:
  batch:
    timeout: 100ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
  const file = path.join(infra.INFRA, 'jaeger', 'config.yaml');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, conf.trimStart());
  return file;
}

const SERVERS = {
  toxiproxy: {
    ready: () => httpOk(`http://${HOST}:${PORTS.toxiproxy}/version`),
    argv: () => ['-host', HOST, '-port', String(PORTS.toxiproxy)],
    urls: () => ({ api: `http://${HOST}:${PORTS.toxiproxy}` }),
  },
  jaeger: {
    ready: async () => (await httpOk(`http://${HOST}:${PORTS.health}/status`)) && httpOk(`http://${HOST}:${PORTS.query}/api/services`),
    argv: () => ['--config', `file:${jaegerConfig()}`],
    urls: () => ({
      otlpHttp: `http://${HOST}:${PORTS.otlpHttp}`, otlpGrpc: `http://${HOST}:${PORTS.otlpGrpc}`, query: `http://${HOST}:${PORTS.query}`,
    }),
  },
};

const pidFile = (name) => path.join(infra.INFRA, name, `${name}.pid`);

/** Starts tool `name` unless it already answers; returns its URLs and whether this call started it. */
async function start(name) {
  const s = SERVERS[name];
  if (await s.ready()) return { ...s.urls(), started: false };
  const bin = build(name);
  const dir = path.dirname(pidFile(name));
  fs.mkdirSync(dir, { recursive: true });
  const out = fs.openSync(path.join(dir, `${name}.log`), 'a');
  const child = spawn(bin, s.argv(), { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  fs.closeSync(out);
  fs.writeFileSync(pidFile(name), String(child.pid));
  await waitFor(name, async () => {
    if (!alive(child.pid)) throw new Error(`${name} exited; see ${dir}/${name}.log`);
    return s.ready();
  }, 30_000);
  return { ...s.urls(), started: true };
}

async function stop(name) {
  return stopPid(pidFile(name), name);
}

module.exports = { build, start, stop, binPath, PORTS, TOOLS, pid: (name) => readPid(pidFile(name)) };

if (require.main === module) {
  const [cmd, ...names] = process.argv.slice(2);
  const list = names.length ? names : Object.keys(TOOLS);
  const main = async () => {
    if (cmd === 'build') for (const n of list) log(`${n}: ${build(n)}`);
    else if (cmd === 'up') for (const n of list) { const r = await start(n); log(`${n} ${r.started ? 'started' : 'already running'}: ${JSON.stringify(r)}`); }
    else if (cmd === 'down') for (const n of list) log(`${n}: ${(await stop(n)) ? 'stopped' : 'not running (of ours)'}`);
    else { log('usage: node scripts/tools.js build|up|down [toxiproxy] [jaeger]'); process.exit(2); }
  };
  main().catch((e) => { log(e.message); process.exit(1); });
}
