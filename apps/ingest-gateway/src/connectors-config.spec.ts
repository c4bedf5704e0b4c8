// GATEWAY_CONNECTORS_FILE in exactly the docs/connectors.md format, YAML or JSON; errors name the field
// and never echo a secret (not even from a YAML syntax error, which quotes the offending line).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@cx/config';
import { ConnectorDirectory } from './connectors-config';
import { GatewayEnv } from './gateway-env';
import { loadEnv } from '@cx/config';

const DESIGN_EXAMPLE = `
tenants:
  acme:
    chatwoot: { secret: "cw-secret-value" }
    zendesk: { secret: "zd-signing-secret" }
    twilio: { authToken: "tw-auth-token", publicUrl: "https://cx.example.com/" }
    amazon-connect: { token: "forwarder-token-0123456789" }
    cloudevents: { token: "cloudevents-token-0123456789" }
  old:
    chatwoot: { allowUnsigned: true }
`;

describe('ConnectorDirectory', () => {
  it('reads the format of docs/connectors.md (YAML) and the same as JSON', () => {
    const d = ConnectorDirectory.parse(DESIGN_EXAMPLE, 'example.yaml');
    expect(d.hasTenant('acme')).toBe(true);
    expect(d.config('acme', 'twilio')).toEqual({ authToken: 'tw-auth-token', publicUrl: 'https://cx.example.com' });
    expect(d.config('old', 'chatwoot')).toEqual({ allowUnsigned: true });
    expect(d.config('old', 'zendesk')).toBeUndefined();
    const json = ConnectorDirectory.parse(JSON.stringify({ tenants: { acme: { zendesk: { secret: 's' } } } }), 'c.json');
    expect(json.config('acme', 'zendesk')).toEqual({ secret: 's' });
    expect(d.summary()).not.toMatch(/secret-value|auth-token|0123456789/);
  });

  it.each([
    ['tenants:\n  acme:\n    twilio: { authToken: "t", publicUrl: "cx.example.com" }\n', /tenants\.acme\.twilio\.publicUrl: must be an http\(s\) URL/],
    ['tenants:\n  acme:\n    cloudevents: { token: "short" }\n', /tenants\.acme\.cloudevents\.token: must be at least 16 characters/],
    ['tenants:\n  acme:\n    zendesk: { secrett: "x" }\n', /tenants\.acme\.zendesk/],
    ['tenants:\n  acme:\n    chatwoot: {}\n', /tenants\.acme\.chatwoot\.secret: needs a secret \(or allowUnsigned: true\)/],
    ['tenants:\n  acme:\n    freshdesk: { secret: "x" }\n', /Unrecognized key: "freshdesk"/],
    ['tenants:\n  "a b":\n    zendesk: { secret: "x" }\n', /tenants\.a b: tenant names/],
    ['tenant:\n  acme: {}\n', /Unrecognized key: "tenant"/],
  ])('rejects %j naming the field', (text, message) => {
    expect(() => ConnectorDirectory.parse(text, 'bad.yaml')).toThrow(ConfigError);
    expect(() => ConnectorDirectory.parse(text, 'bad.yaml')).toThrow(message);
  });

  it('never echoes a secret from a YAML syntax error', () => {
    const broken = 'tenants:\n  acme:\n    zendesk: { secret: "sup3r-s3cret-value }\n';
    let message = '';
    try { ConnectorDirectory.parse(broken, 'broken.yaml'); } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/^GATEWAY_CONNECTORS_FILE broken.yaml: not valid YAML\/JSON \(line \d+, column \d+\)$/);
    expect(message).not.toContain('sup3r');
  });

  it('accepts the shipped example (deploy/gateway/connectors.example.yaml)', () => {
    const d = ConnectorDirectory.load(join(__dirname, '..', '..', '..', 'deploy', 'gateway', 'connectors.example.yaml'));
    expect(['chatwoot', 'zendesk', 'twilio', 'amazon-connect', 'cloudevents'].every((c) => d.config('acme', c as never) !== undefined)).toBe(true);
  });

  it('loads a file and reports an unreadable path without its content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-config-'));
    writeFileSync(join(dir, 'c.yaml'), DESIGN_EXAMPLE);
    expect(ConnectorDirectory.load(join(dir, 'c.yaml')).hasTenant('old')).toBe(true);
    expect(() => ConnectorDirectory.load(join(dir, 'missing.yaml'))).toThrow(/GATEWAY_CONNECTORS_FILE: cannot read .*missing.yaml: ENOENT/);
  });
});

describe('GatewayEnv', () => {
  it('defaults to port 3004 and requires the connectors file', () => {
    expect(loadEnv(GatewayEnv, { GATEWAY_CONNECTORS_FILE: '/x.yaml' }).GATEWAY_PORT).toBe(3004);
    expect(() => loadEnv(GatewayEnv, {})).toThrow(/GATEWAY_CONNECTORS_FILE: required/);
  });
});
