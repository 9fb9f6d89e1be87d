/**
 * Authorizer access tokens the way a third-party platform gets them: minted from the
 * authorizer's refresh token with the component access token, both cached and shared
 * through the store. Authorizers given a fixed access token (AUTHORIZERS_FILE) use it as is.
 *
 * What WeChat can give back is asked for rather than answered as lost: a refresh token
 * that is missing, or that WeChat refuses (61023) while a newer one exists, is recovered
 * from api_get_authorizer_list (refresh-token-recovery.ts) and the mint goes on with it.
 */
import type { ComponentApi, MintedAuthorizerToken, MintedToken } from '../wechat/component-api.js';
import { WechatApiError } from '../wechat/errors.js';
import { isRefreshTokenRefusal } from '../wechat/retry-policy.js';
import type { ComponentTokens } from './component-tokens.js';
import type { SharedTokenCache } from './shared-token-cache.js';
import { withHealedToken } from './token-healing.js';
import type { TokenRecords } from './token-records.js';
import { TokenSourceError } from './token-source-error.js';
import type { AuthorizerTokenSource } from './token-source.js';

/** Where lost refresh tokens come back from (api_get_authorizer_list). */
export interface RefreshTokenRecoverer {
  /** No refresh token is stored for the authorizer: the one now stored after recovery, or undefined. */
  recoverMissing(authorizerAppId: string, deadline: number): Promise<string | undefined>;
  /** WeChat refused `refused`: the newer one WeChat lists, now stored, or undefined when there is none. */
  cure(authorizerAppId: string, refused: string, deadline: number): Promise<string | undefined>;
}

export interface AuthorizerTokensOptions {
  readonly records: TokenRecords;
  readonly cache: SharedTokenCache;
  readonly componentTokens: ComponentTokens;
  /** Authorizer appid → fixed access token, from AUTHORIZERS_FILE. */
  readonly fixedTokens: ReadonlyMap<string, string>;
  /** Undefined where nothing can be recovered (no event receiver, or no component). */
  readonly recovery?: RefreshTokenRecoverer;
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
    const { cache, records } = this.options;
    return cache.get(records.authorizerTokenKey(authorizerAppId), (deadline) => this.mint(authorizerAppId, deadline));
  }

  async invalidate(authorizerAppId: string, token: string, rejection?: unknown): Promise<void> {
    if (this.options.fixedTokens.has(authorizerAppId)) return; // nothing to refresh it from
    await this.options.cache.invalidate(this.options.records.authorizerTokenKey(authorizerAppId), token, rejection);
  }

  /** Runs `call` with the component token (the event receiver's api_query_auth). */
  withComponentToken<T>(call: (componentToken: string) => Promise<T>, deadline?: number): Promise<T> {
    return this.options.componentTokens.withComponentToken(call, deadline);
  }

  private async mint(authorizerAppId: string, deadline: number): Promise<MintedToken> {
    const { records, recovery, componentTokens } = this.options;
    const api = componentTokens.api;
    const refreshToken = (await records.refreshToken(authorizerAppId)) ?? (await recovery?.recoverMissing(authorizerAppId, deadline));
    if (refreshToken === undefined) {
      throw new TokenSourceError(
        'refresh-token-missing',
        `No refresh token is stored for authorizer ${authorizerAppId}${recovery ? ', and api_get_authorizer_list lists none for it' : ''}; register it again (npm run authorizers -- add …) or have the merchant re-authorize.`,
      );
    }
    let minted: MintedAuthorizerToken;
    try {
      minted = await this.mintWith(api, authorizerAppId, refreshToken, deadline);
    } catch (error) {
      // WeChat refused the refresh token: the merchant re-authorized since (a newer one exists), or the authorization is gone.
      if (!(error instanceof WechatApiError) || !isRefreshTokenRefusal(error.errcode) || !recovery) throw error;
      const cured = await recovery.cure(authorizerAppId, refreshToken, deadline);
      if (cured === undefined) throw error;
      minted = await this.mintWith(api, authorizerAppId, cured, deadline);
    }
    return minted;
  }

  /** One api_authorizer_token call; a refresh token WeChat hands back in place of ours is stored, unless another replaced ours meanwhile. */
  private async mintWith(api: ComponentApi, authorizerAppId: string, refreshToken: string, deadline: number): Promise<MintedAuthorizerToken> {
    const minted = await this.withComponentToken((componentToken) => api.authorizerAccessToken(componentToken, authorizerAppId, refreshToken, deadline), deadline);
    // Losing a rotated refresh token would cost the merchant a re-authorization.
    // Replaced only while ours is the stored one (an authorization meanwhile brought a newer one); written if the store lost it.
    const { records } = this.options;
    if (minted.refreshToken !== refreshToken && !(await records.replaceRefreshToken(authorizerAppId, refreshToken, minted.refreshToken))) {
      await records.storeRefreshTokenIfAbsent(authorizerAppId, minted.refreshToken);
    }
    return minted;
  }
}
