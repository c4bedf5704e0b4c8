/*
 * A token issuer the tests control completely: keys made by `jose`, a discovery document and a
 * JWKS served over HTTP on the loopback interface. It complements the real OpenID provider
 * (Keycloak) where a test needs a token a real provider would not hand out on request: expired,
 * of another tenant, signed by a rotated key.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

interface Key { kid: string; alg: string; privateKey: CryptoKey; jwk: JWK }

export class TestIssuer {
  private readonly keys = new Map<string, Key>();
  private published: string[] = [];
  private server?: http.Server;
  url = '';
  jwksFetches = 0;
  discoveryFetches = 0;

  static async start(): Promise<TestIssuer> {
    const issuer = new TestIssuer();
    issuer.server = http.createServer((req, res) => issuer.handle(req, res));
    await new Promise<void>((r) => issuer.server!.listen(0, '127.0.0.1', r));
    issuer.url = `http://127.0.0.1:${(issuer.server!.address() as AddressInfo).port}/issuer`;
    return issuer;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const json = (body: unknown) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (req.url === '/issuer/.well-known/openid-configuration') {
      this.discoveryFetches++;
      return json({
        issuer: this.url, jwks_uri: `${this.url}/jwks`, authorization_endpoint: `${this.url}/authorize`, token_endpoint: `${this.url}/token`,
        response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      });
    }
    if (req.url === '/issuer/jwks') {
      this.jwksFetches++;
      return json({ keys: this.published.map((kid) => this.keys.get(kid)!.jwk) });
    }
    res.writeHead(404).end();
  }

  /** A new key pair; published in the JWKS unless `publish` is false (an attacker's key). */
  async addKey(alg: 'RS256' | 'ES256' | 'PS256' = 'RS256', publish = true): Promise<string> {
    const kid = `k${this.keys.size + 1}`;
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    this.keys.set(kid, { kid, alg, privateKey, jwk });
    if (publish) this.published.push(kid);
    return kid;
  }

  /** Replaces the published key set (key rotation). */
  publish(kids: string[]): void {
    this.published = [...kids];
  }

  async sign(claims: JWTPayload, o: { kid?: string; expiresIn?: number | string; issuer?: string; audience?: string | string[] } = {}): Promise<string> {
    const key = this.keys.get(o.kid ?? this.published[0])!;
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(o.issuer ?? this.url).setIssuedAt(now).setExpirationTime(o.expiresIn ?? now + 300);
    if (o.audience !== undefined) jwt.setAudience(o.audience);
    return jwt.sign(key.privateKey);
  }

  /** A token that names one of our key ids but is signed by a key the issuer never published (a forgery). */
  async forge(claims: JWTPayload, o: { kid: string; audience?: string }): Promise<string> {
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: o.kid, typ: 'JWT' }).setIssuer(this.url).setIssuedAt(now).setExpirationTime(now + 300);
    if (o.audience) jwt.setAudience(o.audience);
    return jwt.sign(privateKey);
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections();
    await closed;
  }
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** An unsigned token (`alg: none`): what an attacker sends hoping the verifier skips the signature. */
export function unsignedToken(claims: JWTPayload): string {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

/** The alg-confusion attack: HS256 with a (public) value as the HMAC secret. */
export async function hmacToken(claims: JWTPayload, secret: Uint8Array, kid?: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(kid ? { kid } : {}) }).sign(secret);
}
