import { Topics } from '@cx/contracts';
import { uniq } from './support/ids';
import { authorize, discover, KC_USERS, pkce, securityRoutingConfig, startKeycloak, tokenRequest, type Discovery } from './support/oidc-fixture';
import { agentBody, escalationRequest, KEYS, RouterFixture } from './support/router-fixture';
import { startServiceProcess, type ServiceProcess } from './support/service-process';
import { openSse } from './support/sse-client';
import { hmacToken, TestIssuer, unsignedToken } from './support/test-issuer';
import { waitFor } from './support/wait-for';
import { runBrowserChecks } from './support/security-browser';

type Data = Record<string, any>;
const TICKET_TTL_S = 2; // shortened from the default 60 s so that expiry is observable quickly
const READ_LIMIT = 120;
const UNAUTH_LIMIT = 40;

/**
 * The router's security as an outside client meets it: a real OpenID provider (Keycloak, from
 * Maven Central) and a jose-made issuer for tokens no real provider hands out on request, two
 * router processes on real Kafka and Redis, headless Chromium for the dashboard.
 */
describe('router security: signed tokens, stream tickets, rate limits, headers, CSP', () => {
  let kc: Awaited<ReturnType<typeof startKeycloak>>;
  let issuer: TestIssuer;
  let fx: RouterFixture;
  let emotion: ServiceProcess | undefined;
  let d: Discovery;
  let supToken: string;
  let escalation = '';
  /** Every secret the test handled: none may appear in a log line or a URL. */
  const secrets = new Set<string>([...Object.values(KEYS), KC_USERS.sup1.password, KC_USERS.a1.password]);
  const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
  const joseToken = async (claims: Data, o: Parameters<TestIssuer['sign']>[1] = {}) => {
    const t = await issuer.sign({ sub: 'u-1', ...claims }, { audience: 'cx-router', ...o });
    secrets.add(t);
    return t;
  };

  beforeAll(async () => {
    const started = Date.now();
    [kc, issuer] = await Promise.all([startKeycloak(), TestIssuer.start()]);
    await issuer.addKey('RS256');
    process.stderr.write(`keycloak ready in ${Date.now() - started} ms\n`);
    fx = new RouterFixture(securityRoutingConfig(kc.issuer, issuer.url), {
      ROUTER_STREAM_TICKET_TTL_SECONDS: String(TICKET_TTL_S), ROUTER_RATE_LIMIT_READ: String(READ_LIMIT),
      ROUTER_RATE_LIMIT_UNAUTHENTICATED: String(UNAUTH_LIMIT), LOG_LEVEL: 'log',
    });
    await fx.start(2);
    d = await discover(kc.issuer);
    expect((await fx.putAgent('a1', agentBody('a1', 'agent'))).status).toBe(200);
    const raised = await fx.kafka.collect(Topics.escalations);
    const conv = uniq('conv-sec');
    await fx.kafka.produce(Topics.escalations, [escalationRequest(conv, [{ code: 'negative_emotion', detail: 'angry' }])]);
    const event = await waitFor('raised', () => raised.find((m) => m.json?.subject === conv && m.json.type === 'cx.escalation.raised.v1'));
    escalation = (event.json!.data as Data).escalationId;
  }, 600_000);
  afterAll(async () => {
    await Promise.all([fx?.stop(), emotion?.stop(), kc?.stop(), issuer?.stop()]);
  }, 60_000);

  it('signs a supervisor in at Keycloak (authorization code + PKCE over plain HTTP) and accepts its access token', async () => {
    const redirectUri = `${fx.url}/`;
    const { verifier, challenge } = pkce();
    const { code, urls } = await authorize(d, { clientId: 'cx-dashboard', redirectUri, challenge, ...KC_USERS.sup1 });
    // PKCE is enforced: the code is worthless without the verifier (and a code is single-use anyway).
    const noVerifier = await tokenRequest(d, { grant_type: 'authorization_code', client_id: 'cx-dashboard', code, redirect_uri: redirectUri });
    expect(noVerifier.status).toBe(400);
    const { verifier: v2, challenge: c2 } = pkce();
    const second = await authorize(d, { clientId: 'cx-dashboard', redirectUri, challenge: c2, ...KC_USERS.sup1 });
    const ok = await tokenRequest(d, { grant_type: 'authorization_code', client_id: 'cx-dashboard', code: second.code, redirect_uri: redirectUri, code_verifier: v2 });
    expect(ok.status).toBe(200);
    supToken = ok.body.access_token;
    for (const s of [supToken, ok.body.refresh_token, ok.body.id_token, verifier, v2]) if (s) secrets.add(s);
    for (const u of [...urls, ...second.urls]) for (const s of secrets) expect(u).not.toContain(s);

    const me = await fx.api('/api/me', supToken);
    expect(me).toEqual({ status: 200, body: { role: 'supervisor', tenant: 'default', teams: ['billing', 'support'], agentId: 'sup1', via: 'oidc', expiresAt: expect.any(String) } });
    const list = await fx.api('/api/escalations', supToken);
    expect(list.status).toBe(200);
    expect((list.body as Data[]).map((e) => e.escalationId)).toContain(escalation);
  }, 60_000);

  it('refuses expired, wrongly-signed, wrong-audience, alg:none and HS256-confusion tokens with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const real = JSON.parse(Buffer.from(supToken.split('.')[1], 'base64url').toString()) as Data;
    const kid = (JSON.parse(Buffer.from(supToken.split('.')[0], 'base64url').toString()) as Data).kid as string;
    const otherApp = await tokenRequest(d, { grant_type: 'password', client_id: 'other-app', scope: 'openid', ...KC_USERS.sup1 });
    expect(otherApp.status).toBe(200); // a genuine Keycloak token, but for another audience
    const jwks = await (await fetch(d.jwks_uri)).json() as { keys: Data[] };
    const [h, , s] = supToken.split('.');
    const cases: [string, string][] = [
      ['expired', await joseToken({ tenant: 'default', role: 'admin' }, { expiresIn: now - 10 })],
      ['wrongly signed (Keycloak issuer and kid, another key)', await issuer.forge({ ...real, exp: now + 300 }, { kid })],
      ['tampered claims under the real signature', `${h}.${Buffer.from(JSON.stringify({ ...real, realm_access: { roles: ['cx-admin'] } })).toString('base64url')}.${s}`],
      ['wrong audience (Keycloak, other client)', otherApp.body.access_token],
      ['wrong audience (jose issuer)', await joseToken({ tenant: 'default', role: 'admin' }, { audience: 'another-api' })],
      ['alg none', unsignedToken({ ...real, exp: now + 300 })],
      ['HS256 keyed with Keycloak\'s public key', await hmacToken({ ...real, exp: now + 300 }, new TextEncoder().encode(JSON.stringify(jwks.keys[0])), kid)],
    ];
    for (const [what, token] of cases) {
      secrets.add(token);
      const r = await fx.api('/api/escalations', token);
      expect({ what, status: r.status }).toEqual({ what, status: 401 });
    }
    expect((await fx.api('/api/me', await joseToken({ tenant: 'default', role: 'nobody' }))).status).toBe(403);
    const metrics = await (await fetch(`${fx.url}/metrics`)).text();
    expect(metrics).toMatch(/cx_router_auth_failures_total\{[^}]*reason="expired_token"[^}]*\} 1/);
  }, 60_000);

  it('answers 404 when a token of tenant B touches tenant A\'s escalation, and lists it nothing', async () => {
    const other = await joseToken({ tenant: 'other', role: 'admin' });
    expect((await fx.api('/api/me', other)).body).toMatchObject({ tenant: 'other', role: 'admin', via: 'oidc' });
    expect((await fx.api(`/api/escalations/${escalation}/ack`, other, { method: 'POST' })).status).toBe(404);
    expect((await fx.api(`/api/escalations/${escalation}/resolve`, other, { method: 'POST' })).status).toBe(404);
    expect((await fx.api('/api/escalations', other)).body).toEqual([]);
    expect((await fx.api('/api/agents', other)).body).toEqual([]);
  }, 30_000);

  it('opens the stream with a single-use ticket on any instance; a reused or expired ticket and ?access_token= get 401', async () => {
    const [r0, r1] = fx.routers;
    const issue = async (token: string, url = r0.url) => {
      const res = await fetch(`${url}/api/stream-tickets`, { method: 'POST', headers: bearer(token) });
      expect(res.status).toBe(201);
      const t = await res.json() as { ticket: string; expiresAt: string };
      secrets.add(t.ticket);
      return t.ticket;
    };
    const ticket = await issue(supToken);
    const sse = await openSse(`${r1.url}/api/stream?ticket=${ticket}`, '');
    expect(sse.status).toBe(200);
    expect((await fetch(`${r0.url}/api/stream?ticket=${ticket}`)).status).toBe(401); // used
    expect((await fx.api(`/api/escalations/${escalation}/ack`, KEYS.admin, { method: 'POST' })).body.status).toBe('acknowledged');
    await waitFor('the ticket\'s stream hears the change', () => sse.events.find((e) => e.event === 'acknowledged'));
    sse.close();

    const late = await issue(KEYS.supervisor);
    await new Promise((r) => setTimeout(r, TICKET_TTL_S * 1000 + 300));
    expect((await fetch(`${r1.url}/api/stream?ticket=${late}`)).status).toBe(401); // expired
    expect((await fetch(`${r0.url}/api/stream?ticket=cxst_${'A'.repeat(43)}`)).status).toBe(401);
    expect((await fetch(`${r0.url}/api/stream?access_token=${KEYS.supervisor}`)).status).toBe(401); // removed
    const header = await openSse(`${r0.url}/api/stream`, KEYS.supervisor);
    expect(header.status).toBe(200);
    header.close();

    // A stream opened with a signed token ends when the token does.
    const short = await joseToken({ tenant: 'default', role: 'supervisor' }, { expiresIn: Math.floor(Date.now() / 1000) + 3 });
    const shortStream = await openSse(`${r0.url}/api/stream?ticket=${await issue(short)}`, '');
    expect(shortStream.status).toBe(200);
    await waitFor('the stream ends with its token', () => shortStream.ended, 8_000);
  }, 60_000);

  it('sends strict security headers on every service: CSP without inline script, no X-Powered-By, CORS closed', async () => {
    emotion = await startServiceProcess('emotion-detector', fx.env);
    for (const url of [`${fx.url}/`, `${fx.url}/api/escalations`, `${fx.url}/health`, `${emotion.url}/health`, `${emotion.url}/metrics`]) {
      const res = await fetch(url, { headers: { Origin: 'https://evil.example', ...bearer(KEYS.admin) } });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect({ url, csp: /default-src '(none|self)'/.test(csp), inline: /unsafe-inline|unsafe-eval/.test(csp) }).toEqual({ url, csp: true, inline: false });
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    const page = (await fetch(`${fx.url}/`)).headers.get('content-security-policy')!;
    expect(page).toContain("script-src 'self'");
    expect(page).toContain(`connect-src 'self' ${new URL(kc.issuer).origin}`);
    const preflight = await fetch(`${fx.url}/api/escalations`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  }, 90_000);

  it('signs in through Keycloak in Chromium, renders an XSS payload as text with nothing executed, and serves the explorer under the CSP', async () => {
    const seen = await runBrowserChecks({ fx, issuer: kc.issuer, secrets });
    for (const url of seen.urls) for (const s of secrets) expect(url).not.toContain(s);
  }, 180_000);

  it('answers a storm over the rate limit with 429 + Retry-After, counted, while /health stays 200 and fast', async () => {
    const r = fx.routers[1];
    const statuses: number[] = [];
    const retryAfter = new Set<string>();
    const health: number[] = [];
    let storming = true;
    const poll = (async () => {
      while (storming) {
        const t = performance.now();
        const res = await fetch(`${r.url}/health`);
        health.push(performance.now() - t);
        expect(res.status).toBe(200);
        await new Promise((x) => setTimeout(x, 25));
      }
    })();
    const started = performance.now();
    let sent = 0;
    await Promise.all(Array.from({ length: 40 }, async () => {
      while (sent < 2000) {
        sent++;
        const res = await fetch(`${r.url}/api/escalations`, { headers: bearer(KEYS.agentA2) });
        statuses.push(res.status);
        if (res.status === 429) retryAfter.add(res.headers.get('retry-after') ?? 'missing');
        await res.arrayBuffer();
      }
    }));
    const stormMs = performance.now() - started;
    storming = false;
    await poll;
    const ok = statuses.filter((s) => s === 200).length;
    const limited = statuses.filter((s) => s === 429).length;
    expect(ok + limited).toBe(statuses.length);
    expect(ok).toBeGreaterThanOrEqual(READ_LIMIT);
    expect(ok).toBeLessThanOrEqual(READ_LIMIT + Math.ceil((stormMs / 60_000) * READ_LIMIT) + 1);
    expect([...retryAfter].every((v) => Number(v) >= 1)).toBe(true);
    // Another principal is not affected.
    expect((await fetch(`${r.url}/api/escalations`, { headers: bearer(KEYS.supervisor) })).status).toBe(200);
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    const counted = Number(/cx_router_rate_limited_total\{[^}]*route_class="read"[^}]*\} (\d+)/.exec(metrics)?.[1]);
    expect(counted).toBe(limited);
    health.sort((a, b) => a - b);
    const p99 = health[Math.floor(health.length * 0.99)];
    process.stderr.write(`storm: ${statuses.length} requests in ${Math.round(stormMs)} ms (${Math.round(statuses.length / (stormMs / 1000))}/s), ${ok} ok, ${limited} × 429; /health n=${health.length} p50 ${health[Math.floor(health.length / 2)].toFixed(1)} ms p99 ${p99.toFixed(1)} ms max ${health[health.length - 1].toFixed(1)} ms\n`);
    // Healthy = every probe answered 200, and well inside a probe timeout (deploy/k8s: 3 s; Kubernetes' default 1 s).
    // On this shared 2-core machine /health under a 40-connection storm of /health itself has p99 ~300 ms:
    // the 429s cost less than that, so what is left is queueing behind the storm, not the limiter.
    expect(health[health.length - 1]).toBeLessThan(1000);

    // Guessing credentials from one address: 401 until its budget is spent, then 429.
    const guesses: number[] = [];
    for (let i = 0; i < UNAUTH_LIMIT + 20; i++) guesses.push((await fetch(`${r.url}/api/escalations`, { headers: bearer(`guess-${i}-0000000000000000`) })).status);
    expect(guesses.slice(0, UNAUTH_LIMIT - 5).every((s) => s === 401)).toBe(true);
    expect(guesses.slice(-10).every((s) => s === 429)).toBe(true);
  }, 120_000);

  it('never writes a key, token, ticket or password into a log line', () => {
    const log = [fx.output(), emotion?.output() ?? ''].join('\n');
    expect(log.length).toBeGreaterThan(0);
    for (const s of secrets) expect(log.includes(s) ? s.slice(0, 12) + '…' : null).toBeNull();
  });
});
