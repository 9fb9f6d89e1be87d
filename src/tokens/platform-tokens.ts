/**
 * TOKEN_SOURCE=platform: the authorizer tokens the platform keeps, read and never minted
 * (minting here would make two owners of one token, each ending the other's). A token read
 * is reused in this process for at most PLATFORM_TOKEN_REUSE_MS and never past its life,
 * with one read per authorizer in flight. A token WeChat rejects is dropped and the
 * platform read again (it may have rotated it); if the platform still hands a token WeChat
 * refuses, the authorizer is left alone for PLATFORM_TOKEN_BACKOFF_MS.
 */
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { SingleFlight } from '../single-flight.js';
import type { PlatformTokenReader } from './platform-token-reader.js';
import { withHealedToken } from './token-healing.js';
import { TokenSourceError } from './token-source-error.js';
import type { AuthorizerTokenSource } from './token-source.js';

export interface PlatformTokensOptions {
  readonly reader: PlatformTokenReader;
  /** Longest a token read is reused (at most a minute); 0 reads the platform for every call. */
  readonly reuseMs: number;
  /** How long an authorizer whose platform token WeChat still rejects is neither read nor called. */
  readonly rejectedBackoffMs: number;
  readonly logger: Logger;
}

export class PlatformTokens implements AuthorizerTokenSource {
  private readonly tokens = new LRUCache<string, string>({ max: 10_000, ttlAutopurge: false });
  /** Authorizer appid → the rejection its platform token met, while the back-off lasts. */
  private readonly rejected = new LRUCache<string, { readonly error: unknown }>({ max: 10_000, ttlAutopurge: false });
  private readonly flights = new SingleFlight<string>();

  constructor(private readonly options: PlatformTokensOptions) {}

  withToken<T>(authorizerAppId: string, call: (token: string) => Promise<T>): Promise<T> {
    return withHealedToken(
      { get: () => this.getToken(authorizerAppId), invalidate: (token, rejection) => this.invalidate(authorizerAppId, token, rejection) },
      call,
    );
  }

  async getToken(authorizerAppId: string): Promise<string> {
    const rejected = this.rejected.get(authorizerAppId);
    if (rejected !== undefined) throw rejected.error;
    return this.tokens.get(authorizerAppId) ?? this.flights.run(authorizerAppId, () => this.read(authorizerAppId));
  }

  async invalidate(authorizerAppId: string, token: string, rejection?: unknown): Promise<void> {
    if (this.tokens.get(authorizerAppId) === token) this.tokens.delete(authorizerAppId);
    if (rejection !== undefined && this.options.rejectedBackoffMs > 0) {
      this.rejected.set(authorizerAppId, { error: rejection }, { ttl: this.options.rejectedBackoffMs });
      this.options.logger.warn(
        { authorizerAppId, backoffMs: this.options.rejectedBackoffMs },
        'WeChat rejects the token the platform holds for this authorizer; not reading or calling for it during the back-off',
      );
    }
  }

  /** Resolves when the platform answers; rejects saying why not (for /readyz). */
  check(): Promise<void> {
    return this.options.reader.check();
  }

  close(): Promise<void> {
    return this.options.reader.close();
  }

  private async read(authorizerAppId: string): Promise<string> {
    const { reader, reuseMs, logger } = this.options;
    const found = await reader.read(authorizerAppId);
    if (found === undefined) {
      throw new TokenSourceError(
        'platform-no-token',
        `The platform holds no access token for authorizer ${authorizerAppId} (${reader.describe(authorizerAppId)}): the merchant has not authorized the platform, or the platform has not stored its token.`,
      );
    }
    const lifeMs = found.expiresAt === undefined ? Number.POSITIVE_INFINITY : found.expiresAt - Date.now();
    if (lifeMs <= 0) {
      throw new TokenSourceError(
        'platform-token-expired',
        `The access token the platform holds for authorizer ${authorizerAppId} (${reader.describe(authorizerAppId)}) expired ${Math.round(-lifeMs / 1000)} s ago; the platform has not refreshed it.`,
      );
    }
    const reuseForMs = Math.min(lifeMs, reuseMs);
    if (reuseForMs > 0) this.tokens.set(authorizerAppId, found.token, { ttl: reuseForMs });
    logger.debug({ authorizerAppId, reuseForMs }, 'platform token read');
    return found.token;
  }
}
