/**
 * A failed token refresh is remembered, in the shared store, for a back-off that doubles
 * with each consecutive failure (TOKEN_REFRESH_BACKOFF_MS, up to TOKEN_REFRESH_MAX_BACKOFF_MS):
 * every replica answers from it instead of calling the token endpoint again, so a broken
 * merchant cannot burn the daily quota.
 */
import type { TokenTimings } from '../config/index.js';
import { WechatApiError, type WechatError, WechatTransportError, type TransportFailure } from '../wechat/errors.js';

/** The first back-off and its ceiling (config's tokens.refreshBackoff). */
export type BackoffPolicy = TokenTimings['refreshBackoff'];

export type RecordedFailure =
  | { readonly kind: 'api'; readonly endpoint: string; readonly errcode: number; readonly errmsg: string; readonly count: number; readonly until: number }
  | { readonly kind: 'transport'; readonly endpoint: string; readonly failure: TransportFailure; readonly httpStatus?: number; readonly count: number; readonly until: number };

export function backoffMs(consecutiveFailures: number, policy: BackoffPolicy): number {
  return Math.min(policy.firstMs * 2 ** (consecutiveFailures - 1), policy.maxMs);
}

/** The record of `error` after `previousCount` earlier consecutive failures; undefined for errors that are not WeChat's. */
export function recordFailure(error: unknown, previousCount: number, policy: BackoffPolicy, now = Date.now()): RecordedFailure | undefined {
  const count = previousCount + 1;
  const until = now + backoffMs(count, policy);
  if (error instanceof WechatApiError) {
    return { kind: 'api', endpoint: error.endpoint, errcode: error.errcode, errmsg: error.errmsg, count, until };
  }
  if (error instanceof WechatTransportError) {
    return { kind: 'transport', endpoint: error.endpoint, failure: error.failure, ...(error.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }), count, until };
  }
  return undefined;
}

/** The error a caller gets while the back-off lasts: the same one the refresh met. */
export function replayFailure(failure: RecordedFailure): WechatError {
  if (failure.kind === 'api') return new WechatApiError(failure.endpoint, failure.errcode, failure.errmsg);
  return new WechatTransportError(failure.endpoint, failure.failure, 'refresh failed recently; backing off', failure.httpStatus);
}

export function decodeFailure(raw: string | undefined): RecordedFailure | undefined {
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(raw) as RecordedFailure;
    return typeof value.until === 'number' && typeof value.count === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}
