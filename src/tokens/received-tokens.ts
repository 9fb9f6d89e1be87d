/**
 * What WeChat's pushes change in the token records, for the event receiver: a verify
 * ticket is stored with the instant it arrived; an authorization code is exchanged
 * (api_query_auth, itself a token-endpoint call) under the authorizer's refresh lock, its
 * refresh token stored as the newest and its first access token stored as a minted one
 * would be (TOKEN_REFRESH_AT_PERCENT included); a revocation drops the access token.
 */
import type { Authorization } from '../wechat/component-api.js';
import type { ComponentTokens } from './component-tokens.js';
import type { SharedTokenCache } from './shared-token-cache.js';
import type { TokenRecords } from './token-records.js';

/** The push's code was exchanged, but its refresh token could not be stored: WeChat's retry cannot exchange it again. */
export class SpentAuthorizationError extends Error {
  constructor(
    readonly authorizerAppId: string,
    override readonly cause: unknown,
  ) {
    super(`authorizer ${authorizerAppId}: the authorization code was exchanged but its refresh token could not be stored (${(cause as Error).message})`);
    this.name = 'SpentAuthorizationError';
  }
}

/** api_query_auth answered for another authorizer than the push named: the code is spent, nothing is stored. */
export class AuthorizerMismatchError extends Error {
  constructor(answered: string, pushed: string) {
    super(`api_query_auth answered for authorizer ${answered}, but the push named ${pushed}; nothing stored`);
    this.name = 'AuthorizerMismatchError';
  }
}

/** How long a push may wait for a mint of the same authorizer to finish: WeChat waits 5 s for an answer, then pushes again. */
const AUTHORIZATION_LOCK_WAIT_MS = 3_000;

export interface ReceivedTokensOptions {
  readonly records: TokenRecords;
  readonly cache: SharedTokenCache;
  readonly componentTokens: ComponentTokens;
  /** Told when a ticket arrives, so a replica waiting for one stops asking. */
  readonly onTicket?: () => void;
}

export interface AcceptedAuthorization {
  readonly authorization: Authorization;
  /** What became of the stored refresh token. */
  readonly refreshToken: 'stored' | 'unchanged' | 'replaced';
  /** False when the first access token could not be stored after the refresh token was: the next call mints one. */
  readonly accessTokenStored: boolean;
}

export class ReceivedTokens {
  constructor(private readonly options: ReceivedTokensOptions) {}

  async acceptTicket(ticket: string): Promise<void> {
    await this.options.records.storeTicket(ticket);
    this.options.onTicket?.();
  }

  /**
   * Exchanges the code and stores what it brings. Rejects with WeChat's error (or the
   * store's) when the code was not exchanged (it is not spent: WeChat's retry of the push
   * may try again), and with SpentAuthorizationError when the refresh token could not be
   * stored after the exchange.
   */
  async acceptAuthorization(authorizerAppId: string, authorizationCode: string): Promise<AcceptedAuthorization> {
    const { records, cache, componentTokens } = this.options;
    let accepted: Omit<AcceptedAuthorization, 'accessTokenStored'> | undefined;
    try {
      await cache.storeUnderLock(records.authorizerTokenKey(authorizerAppId), AUTHORIZATION_LOCK_WAIT_MS, async (deadline) => {
        const api = componentTokens.api;
        const authorization = await componentTokens.withComponentToken((componentToken) => api.queryAuth(componentToken, authorizationCode, deadline), deadline);
        if (authorization.authorizerAppId !== authorizerAppId) {
          throw new AuthorizerMismatchError(authorization.authorizerAppId, authorizerAppId);
        }
        const refreshToken = await records.storeRefreshToken(authorizerAppId, authorization.refreshToken).catch((error: unknown) => {
          throw new SpentAuthorizationError(authorizerAppId, error);
        });
        accepted = { authorization, refreshToken };
        return authorization;
      });
    } catch (error) {
      // The refresh token is what matters: an access token not stored is minted on first use.
      if (accepted !== undefined) return { ...accepted, accessTokenStored: false };
      throw error;
    }
    return { ...accepted!, accessTokenStored: true };
  }

  /** The authorizer revoked the authorization: WeChat no longer accepts its access token. */
  revokeAuthorizer(authorizerAppId: string): Promise<void> {
    return this.options.records.dropAuthorizerAccess(authorizerAppId);
  }
}
