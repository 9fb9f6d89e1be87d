/**
 * AUTHORIZATION=subgraph: verifies the caller's JWT with jose against the identity
 * provider's JWKS (fetched, cached, refetched when a token names an unknown `kid`), with
 * asymmetric algorithms only, the configured issuer and audience, and a small clock
 * tolerance; then looks for the scope in `scope` (space-separated) or `scp` (a list).
 * A JWKS that cannot be fetched (within AUTH_JWKS_TIMEOUT_MS) refuses the caller as
 * `unavailable` (retryable): nobody gets through unchecked. `checkKeySet` tells /readyz
 * whether the key set is at hand, fetching only when it is stale or a fetch failed.
 */
import { type JWTPayload, type JWTVerifyGetKey, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { bearerToken } from './bearer-token.js';
import { CallerRefusal } from './caller-refusal.js';

/** Signature algorithms with a public key: never `none`, never HMAC (a public key must not become a shared secret). */
export const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. */
export const CLOCK_TOLERANCE_SECONDS = 30;

export interface CallerVerifierOptions {
  readonly jwksUrl: string;
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
  readonly scope: string;
  /** How long after a fetch an unknown `kid` may trigger another one (jose's cooldown). */
  readonly jwksCooldownMs: number;
  /** Longest one fetch of the key set may take. */
  readonly jwksTimeoutMs: number;
}

/** Errors of the key lookup that say the token's key is not in the set, as opposed to the set being unreachable. */
const KEY_NOT_IN_SET = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_NOT_SUPPORTED']);

export class CallerVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly keys: JWTVerifyGetKey;
  /** Why the last fetch of the key set failed; undefined once one succeeds. */
  private lastFetchFailure: string | undefined;

  constructor(private readonly options: CallerVerifierOptions) {
    this.jwks = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: options.jwksCooldownMs, timeoutDuration: options.jwksTimeoutMs });
    this.keys = (header, token) =>
      this.jwks(header, token).catch((error: unknown) => {
        if (error instanceof errors.JOSEError && KEY_NOT_IN_SET.has(error.code)) throw error;
        this.lastFetchFailure = describeFetchFailure(error);
        throw new CallerRefusal(
          'unavailable',
          "The subgraph could not fetch the keys that verify callers' tokens (AUTH_JWKS_URL did not answer with a key set); try again shortly.",
        );
      });
  }

  /**
   * Undefined when the key set is at hand; else why not, for an operator (the URL without
   * its query, never a token). Fetches only when the cached set is stale (jose's cache
   * age) or a verification's fetch failed since, so a healthy replica asks the identity
   * provider about once per cache age, and keeps the set warm for the next caller.
   */
  async checkKeySet(): Promise<string | undefined> {
    if (this.jwks.fresh && this.lastFetchFailure === undefined) return undefined;
    try {
      await this.jwks.reload();
      this.lastFetchFailure = undefined;
      return undefined;
    } catch (error) {
      this.lastFetchFailure = describeFetchFailure(error);
      return `AUTH_JWKS_URL ${withoutQuery(this.options.jwksUrl)} did not answer with a key set (${this.lastFetchFailure}): callers of Merchant.cloudEnvironments get AUTH_UNAVAILABLE`;
    }
  }

  /** Resolves when the Authorization header carries a valid token holding the scope; rejects with a CallerRefusal otherwise. */
  async verify(authorizationHeader: string | undefined): Promise<void> {
    const token = bearerToken(authorizationHeader);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: ALLOWED_ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        // A token that never expires is a credential that can never be taken back.
        requiredClaims: ['exp'],
        ...(this.options.issuer === undefined ? {} : { issuer: this.options.issuer }),
        ...(this.options.audience === undefined ? {} : { audience: this.options.audience }),
      }));
    } catch (error) {
      if (error instanceof CallerRefusal) throw error;
      if (error instanceof errors.JOSEError) throw new CallerRefusal('unauthenticated', `The caller's token ${whyRefused(error)}; send a valid token from the identity provider.`);
      throw error;
    }
    if (!scopesOf(payload).includes(this.options.scope)) {
      throw new CallerRefusal('forbidden', `The caller's token does not grant the scope ${this.options.scope}, which Merchant.cloudEnvironments requires.`);
    }
  }
}

/** What went wrong with a fetch, from the error's code and message (jose's and undici's name no secret). */
function describeFetchFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}

const withoutQuery = (url: string) => url.replace(/[?#].*$/, '').replace(/\/\/[^/@]*@/, '//');

/** The token's scopes: `scope` as a space-separated string (RFC 8693), or `scp` as a list (or string). */
export function scopesOf(payload: JWTPayload): string[] {
  const { scope, scp } = payload;
  if (typeof scope === 'string') return scope.split(' ').filter(Boolean);
  if (Array.isArray(scp)) return scp.filter((item): item is string => typeof item === 'string');
  if (typeof scp === 'string') return scp.split(' ').filter(Boolean);
  return [];
}

function whyRefused(error: InstanceType<typeof errors.JOSEError>): string {
  if (error instanceof errors.JWTExpired) return 'has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'is not valid yet ("nbf")';
    if (error.claim === 'iss') return 'comes from another issuer than AUTH_ISSUER';
    if (error.claim === 'aud') return 'is meant for another audience than AUTH_AUDIENCE';
    return `has an invalid "${error.claim}" claim`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) return 'is signed by a key that is not in the key set (AUTH_JWKS_URL)';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'has a signature that does not verify';
  if (error instanceof errors.JOSEAlgNotAllowed) return `is signed with an algorithm this subgraph does not accept (only ${ALLOWED_ALGORITHMS.join(', ')})`;
  return 'is not a well-formed, signed JWT';
}
