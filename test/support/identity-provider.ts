/**
 * A stand-in identity provider for AUTHORIZATION=subgraph tests: real key pairs made by
 * jose, real signed JWTs, and the public keys served as a JWKS over HTTP on loopback. The
 * key set can be rotated, made to fail (HTTP 503), to hang (requests held unanswered) or
 * taken down (closed), and counts its fetches.
 */
import { type CryptoKey, type JWK, type JWTPayload, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServerNow } from './close-server.js';
import { registerSecrets } from './suite-capture.js';

export const TEST_ISSUER = 'https://idp.test.example';
export const TEST_AUDIENCE = 'merchant-graph';

export interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

export async function signingKey(alg: 'RS256' | 'ES256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export interface TokenOptions {
  readonly claims?: JWTPayload;
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds from now; negative: in the past; null: no `exp` claim at all. */
  readonly expiresIn?: number | null;
  readonly notBefore?: number;
}

/** A signed JWT, registered as a secret: the suite fails if it ever shows in a response or log line. */
export async function signToken(key: SigningKey, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuedAt(now - 60)
    .setSubject('client-app-1')
    .setIssuer(options.issuer ?? TEST_ISSUER)
    .setAudience(options.audience ?? TEST_AUDIENCE);
  if (options.expiresIn !== null) jwt = jwt.setExpirationTime(now + (options.expiresIn ?? 600));
  if (options.notBefore !== undefined) jwt = jwt.setNotBefore(now + options.notBefore);
  const token = await jwt.sign(key.privateKey);
  registerSecrets(token);
  return token;
}

export class IdentityProvider {
  /** Requests the key set answered, whatever it answered. */
  fetches = 0;
  private keys: readonly SigningKey[];
  private failing = false;
  private hanging = false;
  /** Requests held while hanging: answered when it stops hanging. */
  private held: Array<() => void> = [];
  private server: Server | undefined;
  private port = 0;

  constructor(keys: readonly SigningKey[]) {
    this.keys = keys;
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json`;
  }

  /** Serves the key set; again on the same port after stop(). */
  async start(): Promise<string> {
    this.server = createServer((_request, response) => {
      this.fetches += 1;
      const answer = () => {
        if (this.failing) return void response.writeHead(503).end('unavailable');
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys.map((key) => key.jwk) }));
      };
      if (this.hanging) this.held.push(answer);
      else answer();
    });
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this.jwksUrl;
  }

  /** Takes the key set down: connections are refused until start() again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServerNow(server);
  }

  rotate(keys: readonly SigningKey[]): void {
    this.keys = keys;
  }

  /** true: requests are accepted and held unanswered; false: the held ones are answered, and every one after. */
  hang(hanging: boolean): void {
    this.hanging = hanging;
    if (!hanging) for (const answer of this.held.splice(0)) answer();
  }

  /** true: every fetch answers HTTP 503. */
  fail(failing: boolean): void {
    this.failing = failing;
  }
}
