/*
 * The ConfigMap's V8 options are what production and the benchmark run with: a flag this Node
 * does not know, or one in NODE_OPTIONS that Node refuses there, would stop every service at start.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productionRuntime } from './production-runtime';

describe('productionRuntime', () => {
  it('reads NODE_OPTIONS as environment and NODE_ARGS as arguments from the cx-env ConfigMap', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cx-runtime-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'kind: ConfigMap\nmetadata: { name: other }\ndata: { NODE_ARGS: --jitless }\n---\n'
      + 'kind: ConfigMap\nmetadata: { name: cx-env }\ndata:\n  NODE_OPTIONS: --max-old-space-size=64\n  NODE_ARGS: " --single-threaded-gc  --stack-size=900 "\n');
    expect(productionRuntime(file)).toEqual({ env: { NODE_OPTIONS: '--max-old-space-size=64' }, nodeArgs: ['--single-threaded-gc', '--stack-size=900'] });
  });

  it('gives nothing when the ConfigMap sets neither', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cx-runtime-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'kind: ConfigMap\nmetadata: { name: cx-env }\ndata: { LOG_LEVEL: log }\n');
    expect(productionRuntime(file)).toEqual({ env: {}, nodeArgs: [] });
  });

  it("the repository's ConfigMap starts this Node", () => {
    const { env, nodeArgs } = productionRuntime();
    const r = spawnSync(process.execPath, [...nodeArgs, '-e', 'process.stdout.write("up")'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('up');
  });

  it("the image's defaults (Dockerfile) are the ConfigMap's, so a container without the ConfigMap runs what was measured", () => {
    const dockerfile = readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8');
    const env = (name: string) => dockerfile.match(new RegExp(`^ENV ${name}="([^"]*)"`, 'm'))?.[1];
    const { env: configured, nodeArgs } = productionRuntime();
    expect(env('NODE_OPTIONS')).toBe(configured.NODE_OPTIONS);
    expect(env('NODE_ARGS')?.split(' ').filter(Boolean)).toEqual(nodeArgs);
  });
});
