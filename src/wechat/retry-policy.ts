/**
 * Which failures are worth asking WeChat again, and how often: busy/system errcodes and
 * transport failures (within the operation's deadline). Everything else is answered at
 * once: retrying a quota or permission error only burns quota.
 */
import { DeadlinePassedError, WechatApiError, WechatTransportError } from './errors.js';

const RETRIES_BY_ERRCODE: ReadonlyMap<number, number> = new Map([
  [-1, 2], // system busy: back off and ask again
  [-1000, 1], // system error: one more try
]);

const TRANSPORT_RETRIES = 2;

export function retriesFor(errcode: number): number {
  return RETRIES_BY_ERRCODE.get(errcode) ?? 0;
}

/** How many times a call that failed with `error` may be retried (0: never). */
export function retriesForError(error: unknown): number {
  if (error instanceof WechatApiError) return retriesFor(error.errcode);
  if (error instanceof WechatTransportError) {
    // Calls that were never made (open circuit, full queue) are not retried: that is the point of refusing them.
    return error.failure === 'circuit-open' || error.failure === 'overloaded' ? 0 : TRANSPORT_RETRIES;
  }
  return 0;
}

/**
 * Failures that say WeChat itself may be in trouble (-1, -1000, and every transport failure
 * of a call that was made), and so count towards opening a host's circuit, when spread
 * over many authorizers. Permission, quota and configuration errcodes are answers: they
 * never count.
 */
export function isUpstreamFailure(error: unknown): boolean {
  if (error instanceof WechatApiError) return RETRIES_BY_ERRCODE.has(error.errcode);
  return isCallMade(error) && error instanceof WechatTransportError;
}

/** False for a call that was never sent: refused by an open circuit or a full queue, or its deadline passed while it waited. */
export function isCallMade(error: unknown): boolean {
  if (error instanceof DeadlinePassedError) return false;
  return !(error instanceof WechatTransportError && (error.failure === 'circuit-open' || error.failure === 'overloaded'));
}

/** 45011: this authorizer's per-minute quota of the API is spent. Not WeChat's trouble, but asking again only keeps it spent. */
const RATE_LIMITED = 45011;

/**
 * Failures that hold one authorizer back when they repeat: WeChat's own trouble as met by
 * this authorizer, and its per-minute rate limit (45011). Other errcodes (61007, 85088,
 * 45009, token rejections…) are WeChat's answer about the merchant: asking again costs no
 * more than the first time did, and the answer is what its callers need to see.
 */
export function isAuthorizerTrouble(error: unknown): boolean {
  return isUpstreamFailure(error) || (error instanceof WechatApiError && error.errcode === RATE_LIMITED);
}

const TOKEN_REJECTIONS: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** WeChat refused the access token itself: a fresh token may succeed where this one failed. */
export function isTokenRejection(errcode: number): boolean {
  return TOKEN_REJECTIONS.has(errcode);
}
