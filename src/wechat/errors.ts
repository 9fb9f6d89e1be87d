/**
 * What can go wrong talking to WeChat, as typed errors that know nothing of GraphQL.
 * Messages never carry an access token: they are built here, not copied from the
 * HTTP library (whose errors often include the full URL).
 */
import { parseRid } from './rid.js';

/** WeChat answered, with errcode ≠ 0. */
export class WechatApiError extends Error {
  readonly rid: string | undefined;

  constructor(
    readonly endpoint: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat ${endpoint} answered errcode ${errcode}: ${errmsg}`);
    this.name = 'WechatApiError';
    this.rid = parseRid(errmsg);
  }
}

export type TransportFailure =
  | 'timeout'
  | 'http-status'
  | 'invalid-body'
  | 'connection'
  /** The host's circuit is open after WeChat-wide failures (and no other host can take the call): the call was not made. */
  | 'circuit-open'
  /** Too many calls were already waiting for a connection: the call was not made. */
  | 'overloaded';

/** WeChat could not be read: no answer in time, a non-200 answer, an unreadable body, no connection, or not asked at all. */
export class WechatTransportError extends Error {
  constructor(
    readonly endpoint: string,
    readonly failure: TransportFailure,
    detail: string,
    readonly httpStatus?: number,
    /** When a retry is worth trying (an open circuit knows when it will probe again). */
    readonly retryAfterMs?: number,
  ) {
    super(`WeChat ${endpoint} could not be read (${failure}): ${detail}`);
    this.name = 'WechatTransportError';
  }
}

/**
 * The caller's deadline passed before WeChat had its full time to answer: while the call
 * waited for a slot (it was never sent), or while a call whose timeout the deadline had cut
 * short was in flight. Either way it says nothing about WeChat or the authorizer (only that
 * the caller ran out of time, or the subgraph is overloaded).
 */
export class DeadlinePassedError extends WechatTransportError {
  constructor(endpoint: string, detail = 'the operation deadline passed before the call') {
    super(endpoint, 'timeout', detail);
  }
}

export type WechatError = WechatApiError | WechatTransportError;

/**
 * The call was not made: the authorizer's recent calls kept failing (after their retries),
 * so it is held back until `retryAfterMs` has passed. Carries the failure that put it
 * there, so its callers keep seeing what is wrong with it (a busy WeChat stays busy).
 */
export class AuthorizerHeldBackError extends Error {
  constructor(
    readonly authorizerAppId: string,
    readonly lastFailure: WechatError,
    readonly retryAfterMs: number,
  ) {
    super(`WeChat calls for authorizer ${authorizerAppId} are held back after repeated failures (last: ${lastFailure.message}); retry in ${retryAfterMs} ms`);
    this.name = 'AuthorizerHeldBackError';
  }
}
