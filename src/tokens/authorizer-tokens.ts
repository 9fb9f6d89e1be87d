/**
 * Authorizer access tokens the way a third-party platform gets them: minted from the
 * authorizer's refresh token with the component access token, itself minted from the
 * platform's credentials and verify ticket; both cached and shared through the store.
 * Authorizers given a fixed access token (AUTHORIZERS_FILE) use it as is.
 */
import { type KeyValueStore, acceptUnacknowledged } from '../store/key-value-store.js';
import type { StoreKeys } from '../store/store-keys.js';
import type { ComponentApi, MintedToken } from '../wechat/component-api.js';
import type { SharedTokenCache } from './shared-token-cache.js';
import { withHealedToken } from './token-healing.js';
import { TokenSourceError } from './token-source-error.js';
import type { AuthorizerTokenSource } from './token-source.js';

export interface AuthorizerTokensOptions {
  readonly store: KeyValueStore;
  readonly keys: StoreKeys;
  readonly cache: SharedTokenCache;
  /** Undefined when no component credentials are configured: only fixed tokens work. */
  readonly componentApi: ComponentApi | undefined;
  /** Authorizer appid → fixed access token, from AUTHORIZERS_FILE. */
  readonly fixedTokens: ReadonlyMap<string, string>;
  /** WECHAT_COMPONENT_VERIFY_TICKET, used while the store holds no ticket (development). */
  readonly verifyTicket: string | undefined;
}

export class AuthorizerTokens implements AuthorizerTokenSource {
  constructor(private readonly options: AuthorizerTokensOptions) {}

  withToken<T>(authorizerAppId: string, call: (token: string) => Promise<T>): Promise<T> {
    return withHealedToken(
      { get: () => this.getToken(authorizerAppId), invalidate: (token, rejection) => this.invalidate(authorizerAppId, token, rejection) },
      call,
    );
  }

  async getToken(authorizerAppId: string): Promise<string> {
    const fixed = this.options.fixedTokens.get(authorizerAppId);
    if (fixed !== undefined) return fixed;
    return this.options.cache.get(this.options.keys.authorizerToken(authorizerAppId), () => this.mintAuthorizerToken(authorizerAppId));
  }

  async invalidate(authorizerAppId: string, token: string, rejection?: unknown): Promise<void> {
    if (this.options.fixedTokens.has(authorizerAppId)) return; // nothing to refresh it from
    await this.options.cache.invalidate(this.options.keys.authorizerToken(authorizerAppId), token, rejection);
  }

  private async mintAuthorizerToken(authorizerAppId: string): Promise<MintedToken> {
    const { store, keys } = this.options;
    const api = this.componentApi();
    const refreshToken = await store.get(keys.refreshToken(authorizerAppId));
    if (refreshToken === undefined) {
      throw new TokenSourceError(
        'refresh-token-missing',
        `No refresh token is stored for authorizer ${authorizerAppId}; register it again (npm run authorizers -- add …) or have the merchant re-authorize.`,
      );
    }
    const minted = await this.withComponentToken((componentToken) => api.authorizerAccessToken(componentToken, authorizerAppId, refreshToken));
    // WeChat may hand back a new refresh token; losing it would cost the merchant a re-authorization.
    // Not acknowledged by a replica in time, it is still on the master (the store logs it):
    // failing here would throw away a valid token and make the write no more durable.
    if (minted.refreshToken !== refreshToken) await store.set(keys.refreshToken(authorizerAppId), minted.refreshToken).catch(acceptUnacknowledged);
    return minted;
  }

  /** Runs `call` with the component token, healed the same way as authorizer tokens. */
  withComponentToken<T>(call: (componentToken: string) => Promise<T>): Promise<T> {
    const { cache, keys } = this.options;
    return withHealedToken({ get: () => this.componentToken(), invalidate: (token, rejection) => cache.invalidate(keys.componentToken, token, rejection).then(() => undefined) }, call);
  }

  private componentToken(): Promise<string> {
    return this.options.cache.get(this.options.keys.componentToken, async () => this.componentApi().componentAccessToken(await this.verifyTicket()));
  }

  private async verifyTicket(): Promise<string> {
    const ticket = (await this.options.store.get(this.options.keys.componentTicket)) ?? this.options.verifyTicket;
    if (ticket === undefined) {
      throw new TokenSourceError(
        'ticket-missing',
        'No component_verify_ticket has been received yet; the ticket receiver stores it (WeChat pushes one every 10 minutes), or set WECHAT_COMPONENT_VERIFY_TICKET for development.',
      );
    }
    return ticket;
  }

  private componentApi(): ComponentApi {
    if (!this.options.componentApi) {
      throw new TokenSourceError(
        'component-not-configured',
        'This authorizer needs minted access tokens, but WECHAT_COMPONENT_APPID and WECHAT_COMPONENT_APPSECRET are not set.',
      );
    }
    return this.options.componentApi;
  }
}
