/**
 * Which failures are worth asking WeChat again, and how often: the errcodes the errcode
 * table gives retries (busy, system error) and transport failures (within the
 * operation's deadline). Everything else is answered at once. What each errcode means is
 * the table's to say; this module only reads it.
 */
import { ruleForErrcode } from '../errors/error-codes.js';
import { DeadlinePassedError, WechatApiError, WechatTransportError } from './errors.js';

const TRANSPORT_RETRIES = 2;

export function retriesFor(errcode: number): number {
  return ruleForErrcode(errcode).retries ?? 0;
}

/** How many times a call that failed with `error` may be retried (0: never). */
export function retriesForError(error: unknown): number {
  if (error instanceof WechatApiError) return retriesFor(error.errcode);
  // Calls that were never made (open circuit, full queue, deadline gone) are not retried: that is the point of refusing them.
  if (error instanceof WechatTransportError) return isCallMade(error) ? TRANSPORT_RETRIES : 0;
  return 0;
}

/**
 * Failures that say WeChat itself may be in trouble (-1, -1000, and every transport failure
 * of a call that was made), and so count towards opening a host's circuit, when spread
 * over many authorizers. Permission, quota and configuration errcodes are answers: they
 * never count.
 */
export function isUpstreamFailure(error: unknown): boolean {
  if (error instanceof WechatApiError) return retriesFor(error.errcode) > 0;
  return isCallMade(error) && error instanceof WechatTransportError;
}

/**
 * False for a call that says nothing about WeChat: never sent (refused by an open circuit or
 * a full queue, or its deadline passed while it waited), or cut short by the caller's deadline
 * before WeChat had its full timeout to answer.
 */
export function isCallMade(error: unknown): boolean {
  if (error instanceof DeadlinePassedError) return false;
  return !(error instanceof WechatTransportError && (error.failure === 'circuit-open' || error.failure === 'overloaded'));
}

/**
 * Failures that hold one authorizer back when they repeat: WeChat's own trouble as met by
 * this authorizer, and its per-minute rate limit (45011). Other errcodes (61007, 85088,
 * 45009, token rejections…) are WeChat's answer about the merchant: asking again costs no
 * more than the first time did, and the answer is what its callers need to see.
 */
export function isAuthorizerTrouble(error: unknown): boolean {
  return isUpstreamFailure(error) || (error instanceof WechatApiError && ruleForErrcode(error.errcode).holdsAuthorizerBack === true);
}

/** WeChat refused the access token itself: a fresh token may succeed where this one failed. */
export function isTokenRejection(errcode: number): boolean {
  return ruleForErrcode(errcode).tokenRejected === true;
}

/** A token endpoint refused the authorizer's refresh token (61023): a newer one may be had from api_get_authorizer_list. */
export function isRefreshTokenRefusal(errcode: number): boolean {
  return ruleForErrcode(errcode).code === 'REFRESH_TOKEN_INVALID';
}

/** A token endpoint refused our component_verify_ticket (61005, 61006): WeChat may be asked to push a new one. */
export function isTicketRefusal(errcode: number): boolean {
  return ruleForErrcode(errcode).code === 'COMPONENT_TICKET_INVALID';
}
