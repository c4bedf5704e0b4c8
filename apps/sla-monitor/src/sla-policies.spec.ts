import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@cx/config';
import { loadPolicies } from './sla-policies';

const quiet = { warn: () => undefined, log: () => undefined } as never;

describe('loadPolicies', () => {
  it('turns a bad file into a ConfigError naming the path of the bad field', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sla-')), 'bad.yaml');
    writeFileSync(file, 'policies:\n  - id: x\n    match: {}\n    targets: { firstResponse: "4 hours" }\n');
    expect(() => loadPolicies(file, quiet)).toThrow(ConfigError);
    expect(() => loadPolicies(file, quiet)).toThrow(/SLA_POLICIES_FILE: .*policies\[0\]\.targets\.firstResponse/);
  });

  it('uses the example policies when SLA_POLICIES_FILE is unset', () => {
    const { set, path } = loadPolicies(undefined, quiet);
    expect(path).toMatch(/deploy\/sla\/policies\.example\.yaml$/);
    expect(set.policies.map((p) => p.id)).toContain('vip-chat');
  });
});
