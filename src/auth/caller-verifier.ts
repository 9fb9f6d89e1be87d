/**
 * AUTHORIZATION=subgraph: verifies the caller's JWT with jose against the identity
 * provider's JWKS (fetched, cached, refetched when a token names an unknown `kid`), with
 * asymmetric algorithms only, the configured issuer and audience, and a small clock
 * tolerance; then looks for the scope in `scope` (space-separated) or `scp` (a list).
 * A JWKS that cannot be fetched (within AUTH_JWKS_TIMEOUT_MS) refuses the caller as
 * `keys-unavailable` (retryable): nobody gets through unchecked. `checkKeySet` tells /readyz
 * whether the key set is at hand, fetching only when it is stale or a fetch failed.
 */
import { type JWTPayload, type JWTVerifyGetKey, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { bearerToken } from './bearer-token.js';
import { CallerRefusal, type CallerRefusalFailure } from './caller-refusal.js';

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
  /** AUTH_JWKS_URL without its query or user-info. */
  private readonly where: string;

  constructor(private readonly options: CallerVerifierOptions) {
    const jwksUrl = new URL(options.jwksUrl);
    // For the log and /readyz: without a query or user-info, either of which may hold a credential.
    this.where = `${jwksUrl.origin}${jwksUrl.pathname}`;
    this.jwks = createRemoteJWKSet(jwksUrl, { cooldownDuration: options.jwksCooldownMs, timeoutDuration: options.jwksTimeoutMs });
    this.keys = (header, token) =>
      this.jwks(header, token).catch((error: unknown) => {
        if (error instanceof errors.JOSEError && KEY_NOT_IN_SET.has(error.code)) throw error;
        this.lastFetchFailure = describeFetchFailure(error);
        throw new CallerRefusal('keys-unavailable', `The key set at AUTH_JWKS_URL ${this.where} could not be fetched (${this.lastFetchFailure}).`);
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
      return `AUTH_JWKS_URL ${this.where} did not answer with a key set (${this.lastFetchFailure}): callers of Merchant.cloudEnvironments get AUTH_UNAVAILABLE`;
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
      if (error instanceof errors.JOSEError) {
        const [failure, why] = whyRefused(error);
        throw new CallerRefusal(failure, `The caller's token ${why}.`);
      }
      throw error;
    }
    if (!scopesOf(payload).includes(this.options.scope)) {
      throw new CallerRefusal('scope-missing', `The caller's token does not grant the scope ${this.options.scope} (AUTH_SCOPE), which Merchant.cloudEnvironments requires.`);
    }
  }
}

/** The token's scopes: `scope` as a space-separated string (RFC 8693), or `scp` as a list (or string). */
export function scopesOf(payload: JWTPayload): string[] {
  const { scope, scp } = payload;
  if (typeof scope === 'string') return scope.split(' ').filter(Boolean);
  if (Array.isArray(scp)) return scp.filter((item): item is string => typeof item === 'string');
  if (typeof scp === 'string') return scp.split(' ').filter(Boolean);
  return [];
}

/** The reason the table knows this refusal by, and what the log says of it. */
function whyRefused(error: InstanceType<typeof errors.JOSEError>): [CallerRefusalFailure, string] {
  if (error instanceof errors.JWTExpired) return ['expired', 'has expired'];
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return ['not-yet-valid', 'is not valid yet ("nbf")'];
    if (error.claim === 'iss') return ['wrong-issuer', 'comes from another issuer than AUTH_ISSUER'];
    if (error.claim === 'aud') return ['wrong-audience', 'is meant for another audience than AUTH_AUDIENCE'];
    return ['claim-invalid', `has an invalid "${error.claim}" claim`];
  }
  if (error instanceof errors.JWKSNoMatchingKey) return ['unknown-key', 'is signed by a key that is not in the key set (AUTH_JWKS_URL)'];
  if (error instanceof errors.JWSSignatureVerificationFailed) return ['bad-signature', 'has a signature that does not verify'];
  if (error instanceof errors.JOSEAlgNotAllowed) return ['algorithm-refused', `is signed with an algorithm this subgraph does not accept (only ${ALLOWED_ALGORITHMS.join(', ')})`];
  return ['malformed', 'is not a well-formed, signed JWT'];
}

/** jose's own words for a failed fetch (a timeout, an HTTP status, a connection error), for the log. */
function describeFetchFailure(error: unknown): string {
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
}
