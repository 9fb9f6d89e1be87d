/**
 * Turns whatever stopped a merchant's cloudEnvironments field into the one GraphQL error
 * that field carries: a stable `extensions.code`, `retryable`, the merchant id, and for
 * WeChat failures the errcode, errmsg and rid support will ask for.
 */
import { GraphQLError } from 'graphql';
import { CallerRefusal } from '../auth/caller-refusal.js';
import { OperationDeadlineError } from '../loaders/operation-deadline.js';
import { AuthorizerHeldBackError, WechatApiError, WechatTransportError } from '../wechat/errors.js';
import { StoreUnavailableError } from '../store/key-value-store.js';
import { TokenSourceError } from '../tokens/token-source-error.js';
import { CALLER_REFUSAL_RULES, type ErrorCode, TOKEN_SOURCE_RULES, TOKEN_STORE_UNAVAILABLE, WECHAT_UNAVAILABLE, ruleForErrcode } from './error-codes.js';

export interface WechatErrorDetails {
  readonly errcode?: number;
  readonly errmsg?: string;
  readonly rid?: string;
  readonly httpStatus?: number;
}

export interface CloudEnvironmentErrorExtensions {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly merchantId: string;
  readonly wechat?: WechatErrorDetails;
  /** When retrying is worth it again (an open circuit's next probe). */
  readonly retryAfterMs?: number;
  readonly [key: string]: unknown;
}

export class CloudEnvironmentError extends GraphQLError {
  declare readonly extensions: CloudEnvironmentErrorExtensions;

  constructor(
    message: string,
    extensions: CloudEnvironmentErrorExtensions,
    /** A malformed call of ours rather than the merchant's or WeChat's problem. */
    readonly ourBug = false,
  ) {
    super(message, { extensions });
    this.name = 'CloudEnvironmentError';
  }
}

export class MerchantNotAuthorizedError extends CloudEnvironmentError {
  /** `reason`: why the subgraph holds no authorizer for the merchant. */
  constructor(merchantId: string, reason = 'it is not in the authorizer registry') {
    super(`Merchant ${merchantId} has not authorized our WeChat third-party platform (${reason}).`, {
      code: 'MERCHANT_NOT_AUTHORIZED',
      retryable: false,
      merchantId,
    });
  }
}

/** The field error for a failure to read WeChat or get a token; anything else is rethrown untouched (a bug, masked by the server). */
export function toCloudEnvironmentError(error: unknown, merchantId: string): CloudEnvironmentError {
  if (error instanceof CloudEnvironmentError) return error;
  if (error instanceof AuthorizerHeldBackError) {
    // The code of the failure that put it there (WECHAT_BUSY stays WECHAT_BUSY); retrying is worth it once the back-off has passed.
    const last = toCloudEnvironmentError(error.lastFailure, merchantId);
    const message = `${last.message} Calls for this merchant are held back after repeated failures; retry after ${error.retryAfterMs} ms.`;
    return new CloudEnvironmentError(message, { ...last.extensions, retryable: true, retryAfterMs: error.retryAfterMs }, last.ourBug);
  }
  if (error instanceof WechatApiError) {
    const rule = ruleForErrcode(error.errcode);
    const wechat: WechatErrorDetails = { errcode: error.errcode, errmsg: error.errmsg, ...(error.rid ? { rid: error.rid } : {}) };
    return new CloudEnvironmentError(rule.message, { code: rule.code, retryable: rule.retryable, merchantId, wechat }, rule.ourBug === true);
  }
  if (error instanceof TokenSourceError) {
    const rule = TOKEN_SOURCE_RULES.get(error.failure)!;
    return new CloudEnvironmentError(error.message, { code: rule.code, retryable: rule.retryable, merchantId }, rule.ourBug === true);
  }
  if (error instanceof CallerRefusal) {
    const rule = CALLER_REFUSAL_RULES.get(error.failure)!;
    return new CloudEnvironmentError(error.message, { code: rule.code, retryable: rule.retryable, merchantId });
  }
  if (error instanceof StoreUnavailableError) {
    return new CloudEnvironmentError(TOKEN_STORE_UNAVAILABLE.message, { code: TOKEN_STORE_UNAVAILABLE.code, retryable: true, merchantId });
  }
  if (error instanceof OperationDeadlineError) {
    // Told to the client as a WeChat that did not answer in time: that is what kept the field waiting.
    return new CloudEnvironmentError(`${WECHAT_UNAVAILABLE.message} (no answer in time)`, { code: WECHAT_UNAVAILABLE.code, retryable: WECHAT_UNAVAILABLE.retryable, merchantId });
  }
  if (error instanceof WechatTransportError) {
    const extensions: CloudEnvironmentErrorExtensions = {
      code: WECHAT_UNAVAILABLE.code,
      retryable: WECHAT_UNAVAILABLE.retryable,
      merchantId,
      ...(error.httpStatus === undefined ? {} : { wechat: { httpStatus: error.httpStatus } }),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    };
    return new CloudEnvironmentError(`${WECHAT_UNAVAILABLE.message} (${describeTransport(error)})`, extensions);
  }
  throw error;
}

function describeTransport(error: WechatTransportError): string {
  switch (error.failure) {
    case 'timeout':
      return 'no answer in time';
    case 'http-status':
      return `HTTP ${error.httpStatus}`;
    case 'invalid-body':
      return 'unreadable answer';
    case 'connection':
      return 'connection failed';
    case 'circuit-open':
      return 'failing fast: WeChat is failing for many merchants at once';
    case 'overloaded':
      return 'too many WeChat calls waiting';
  }
}
