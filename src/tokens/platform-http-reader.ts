/**
 * Reads the platform's tokens from its token service (PLATFORM_TOKEN_URL): a GET per
 * authorizer with PLATFORM_TOKEN_SECRET as a bearer token, answered with
 * `{ "authorizer_access_token": "…", "expires_in": 7200 }`; 404 when it holds none. Timeouts
 * as for WeChat calls (WECHAT_TIMEOUT_MS), on a keep-alive pool.
 */
import { Agent, request } from 'undici';
import { StoreUnavailableError } from '../store/key-value-store.js';
import { type PlatformToken, type PlatformTokenReader, type RecordLayout, decodePlatformValue } from './platform-token-reader.js';
import { TokenSourceError } from './token-source-error.js';

export interface PlatformHttpReaderOptions {
  /** With `{authorizerAppId}` where the appid goes. */
  readonly urlTemplate: string;
  readonly secret: string;
  readonly timeoutMs: number;
  readonly layout: RecordLayout;
  readonly maxConnections?: number;
}

/** The appid a readiness probe asks for: well-formed, never a real authorizer. */
const PROBE_APPID = 'wx0000000000000000';

export class PlatformHttpReader implements PlatformTokenReader {
  private readonly agent: Agent;

  constructor(private readonly options: PlatformHttpReaderOptions) {
    this.agent = new Agent({
      connections: options.maxConnections ?? 16,
      keepAliveTimeout: 30_000,
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async read(authorizerAppId: string): Promise<PlatformToken | undefined> {
    const now = Date.now();
    const { status, body } = await this.get(authorizerAppId);
    if (status === 404) return undefined;
    this.refuseCredentials(status, authorizerAppId);
    if (status !== 200) throw this.unavailable(authorizerAppId, `answered HTTP ${status}`);
    return decodePlatformValue(body, this.options.layout, this.describe(authorizerAppId), now, true);
  }

  get where(): string {
    // Without a query or user-info, either of which may hold a credential.
    return this.options.urlTemplate.replace(/[?#].*$/, '').replace(/\/\/[^/@]*@/, '//');
  }

  describe(authorizerAppId: string): string {
    const url = new URL(this.urlFor(authorizerAppId));
    return `${url.origin}${url.pathname}`;
  }

  /** Reachable and accepting our secret: any answer but a 5xx, a 401 or a 403 to an appid it cannot know. */
  async check(): Promise<void> {
    const { status } = await this.get(PROBE_APPID);
    this.refuseCredentials(status, PROBE_APPID);
    if (status >= 500) throw this.unavailable(PROBE_APPID, `answered HTTP ${status}`);
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async get(authorizerAppId: string): Promise<{ status: number; body: string }> {
    try {
      const response = await request(this.urlFor(authorizerAppId), {
        method: 'GET',
        dispatcher: this.agent,
        headers: { authorization: `Bearer ${this.options.secret}`, accept: 'application/json' },
      });
      return { status: response.statusCode, body: await response.body.text() };
    } catch (error) {
      // Only the error's code: undici's messages may quote the URL.
      const reason = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.name) : 'unknown error';
      throw this.unavailable(authorizerAppId, `could not be read (${reason})`);
    }
  }

  private refuseCredentials(status: number, authorizerAppId: string): void {
    if (status === 401 || status === 403) {
      throw new TokenSourceError('platform-refused', `The platform's token service ${this.describe(authorizerAppId)} refused PLATFORM_TOKEN_SECRET (HTTP ${status}); check the secret.`);
    }
  }

  private unavailable(authorizerAppId: string, what: string): StoreUnavailableError {
    return new StoreUnavailableError(`the platform's token service ${this.describe(authorizerAppId)} ${what}`);
  }

  private urlFor(authorizerAppId: string): string {
    return this.options.urlTemplate.replaceAll('{authorizerAppId}', encodeURIComponent(authorizerAppId));
  }
}
