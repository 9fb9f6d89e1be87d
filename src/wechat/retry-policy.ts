/**
 * Which failures are worth asking WeChat again, and how often: the errcodes the errcode
 * table gives retries (busy, system error) and transport failures (within the
 * operation's deadline). Everything else is answered at once. What each errcode means is
 * the table's to say; this module only reads it.
 */
import { ruleForErrcode } from '../errors/error-codes.js';
import { WechatApiError, WechatTransportError } from './errors.js';

const TRANSPORT_RETRIES = 2;

export function retriesFor(errcode: number): number {
  return ruleForErrcode(errcode).retries ?? 0;
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

/** Failures that say WeChat itself is in trouble, and so count towards opening the circuit. */
export function isUpstreamFailure(error: unknown): boolean {
  if (error instanceof WechatApiError) return retriesFor(error.errcode) > 0;
  return error instanceof WechatTransportError && error.failure !== 'circuit-open' && error.failure !== 'overloaded';
}

/** WeChat refused the access token itself: a fresh token may succeed where this one failed. */
export function isTokenRejection(errcode: number): boolean {
  return ruleForErrcode(errcode).tokenRejected === true;
}
