/** Why no access token could be had, when the reason is ours or the merchant's rather than WeChat's answer. */
export type TokenSourceFailure =
  /** The registry knows the merchant's authorizer, but no refresh token is stored for it. */
  | 'refresh-token-missing'
  /** No component_verify_ticket has been received yet (nor set for development). */
  | 'ticket-missing'
  /** The authorizer needs minted tokens but WECHAT_COMPONENT_APPID/APPSECRET are not set. */
  | 'component-not-configured'
  /** Another replica held the refresh lock and produced no token in time. */
  | 'refresh-timeout';

export class TokenSourceError extends Error {
  constructor(
    readonly failure: TokenSourceFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TokenSourceError';
  }
}
