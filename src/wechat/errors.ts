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
  /** The circuit breaker is open after sustained failures: the call was not made. */
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

export type WechatError = WechatApiError | WechatTransportError;
