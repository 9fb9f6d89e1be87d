/**
 * Reads the platform's tokens from its Redis (PLATFORM_TOKEN_REDIS_KEY on PLATFORM_REDIS_URL):
 * one string key per authorizer, the raw token or a JSON record. The token's life is the
 * key's TTL or the record's expiry field, whichever ends first.
 */
import type { KeyValueStore } from '../store/key-value-store.js';
import { TokenSourceError } from './token-source-error.js';
import { type PlatformToken, type PlatformTokenReader, type RecordLayout, decodePlatformValue, earliest } from './platform-token-reader.js';

export interface PlatformRedisReaderOptions {
  /** With `{authorizerAppId}` (and `{componentAppId}`) where those go. */
  readonly keyTemplate: string;
  readonly componentAppId: string | undefined;
  readonly layout: RecordLayout;
}

export class PlatformRedisReader implements PlatformTokenReader {
  constructor(
    private readonly redis: Pick<KeyValueStore, 'getWithTtl' | 'ping' | 'close'>,
    private readonly options: PlatformRedisReaderOptions,
  ) {}

  async read(authorizerAppId: string): Promise<PlatformToken | undefined> {
    const key = this.keyFor(authorizerAppId);
    const now = Date.now();
    const found = await this.redis.getWithTtl(key).catch((error: Error) => {
      // Redis answered, but the key holds a hash, list or set: a layout problem, not an outage.
      if (error.message.includes('WRONGTYPE')) throw new TokenSourceError('platform-unreadable', `The platform's value at key ${key} is not a string; only string keys (a raw token or a JSON record) are read.`);
      throw error;
    });
    if (found === undefined) return undefined;
    const decoded = decodePlatformValue(found.value, this.options.layout, `key ${key}`, now);
    return { token: decoded.token, expiresAt: earliest([decoded.expiresAt, found.ttlMs === undefined ? undefined : now + found.ttlMs]) };
  }

  get where(): string {
    return `keys ${this.options.keyTemplate}`;
  }

  describe(authorizerAppId: string): string {
    return `key ${this.keyFor(authorizerAppId)}`;
  }

  check(): Promise<void> {
    return this.redis.ping();
  }

  close(): Promise<void> {
    return this.redis.close();
  }

  private keyFor(authorizerAppId: string): string {
    return this.options.keyTemplate.replaceAll('{authorizerAppId}', authorizerAppId).replaceAll('{componentAppId}', this.options.componentAppId ?? '');
  }
}
