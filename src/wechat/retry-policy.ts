/**
 * Which failures are worth asking WeChat again, and how often: busy/system errcodes and
 * transport failures (within the operation's deadline). Everything else is answered at
 * once: retrying a quota or permission error only burns quota.
 */
import { WechatApiError, WechatTransportError } from './errors.js';

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

/** Failures that say WeChat itself is in trouble, and so count towards opening the circuit. */
export function isUpstreamFailure(error: unknown): boolean {
  if (error instanceof WechatApiError) return RETRIES_BY_ERRCODE.has(error.errcode);
  return error instanceof WechatTransportError && error.failure !== 'circuit-open' && error.failure !== 'overloaded';
}

const TOKEN_REJECTIONS: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** WeChat refused the access token itself: a fresh token may succeed where this one failed. */
export function isTokenRejection(errcode: number): boolean {
  return TOKEN_REJECTIONS.has(errcode);
}
