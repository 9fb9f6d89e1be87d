/** Why no access token could be had, when the reason is ours or the merchant's rather than WeChat's answer. */
export type TokenSourceFailure =
  /** The registry knows the merchant's authorizer, but no refresh token is stored for it. */
  | 'refresh-token-missing'
  /** No component_verify_ticket has been received yet (nor set for development). */
  | 'ticket-missing'
  /** The authorizer needs minted tokens but WECHAT_COMPONENT_APPID/APPSECRET are not set. */
  | 'component-not-configured'
  /** Another replica held the refresh lock and produced no token in time. */
  | 'refresh-timeout'
  /** TOKEN_SOURCE=platform: the platform holds no token for the authorizer (no key, or its token service answered 404). */
  | 'platform-no-token'
  /** TOKEN_SOURCE=platform: the token the platform holds has already expired. */
  | 'platform-token-expired'
  /** TOKEN_SOURCE=platform: the platform's token service refused PLATFORM_TOKEN_SECRET (401/403). */
  | 'platform-refused'
  /** TOKEN_SOURCE=platform: what the platform holds is not a token in the configured layout. */
  | 'platform-unreadable';

export class TokenSourceError extends Error {
  constructor(
    readonly failure: TokenSourceFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TokenSourceError';
  }
}
