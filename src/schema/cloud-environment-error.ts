/**
 * Turns whatever stopped a merchant's cloudEnvironments field into the one GraphQL error
 * that field carries: a stable `extensions.code`, `retryable`, the merchant id, for WeChat
 * failures the errcode, errmsg and rid support will ask for, and the error table's text as
 * its message. The failure itself travels along as `detail`, for the log line of the error
 * (with the operator's to-do from the table): it may name store keys, URLs or commands, and
 * never reaches the client.
 */
import { GraphQLError } from 'graphql';
import { CallerRefusal, type CallerRefusalFailure } from '../auth/caller-refusal.js';
import {
  CALLER_REFUSAL_RULES,
  type ErrorCode,
  type ErrorCodeRule,
  HELD_BACK,
  NOT_IN_REGISTRY,
  TOKEN_SOURCE_RULES,
  TOKEN_STORE_UNAVAILABLE,
  TRANSPORT_RULES,
  ruleForErrcode,
} from '../errors/error-codes.js';
import { OperationDeadlineError } from '../loaders/operation-deadline.js';
import { StoreUnavailableError } from '../store/key-value-store.js';
import { TokenSourceError, type TokenSourceFailure } from '../tokens/token-source-error.js';
import { AuthorizerHeldBackError, DeadlinePassedError, type TransportFailure, WechatApiError, WechatTransportError } from '../wechat/errors.js';

// Every reason the token source, the caller check and the WeChat client can give has its row (the compiler checks).
const TOKEN_SOURCE: Readonly<Record<TokenSourceFailure, ErrorCodeRule>> = TOKEN_SOURCE_RULES;
const CALLER_REFUSAL: Readonly<Record<CallerRefusalFailure, ErrorCodeRule>> = CALLER_REFUSAL_RULES;
const TRANSPORT: Readonly<Record<TransportFailure | 'deadline', ErrorCodeRule>> = TRANSPORT_RULES;

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

/** What the log line of a field error says beyond the client's message. */
export interface CloudEnvironmentErrorDetail {
  /** The failure as it was met (its own message: keys, URLs, what to run), scrubbed by the logger. */
  readonly failure?: string;
  /** The table's to-do for an operator, where there is one. */
  readonly operatorAction?: string;
}

export class CloudEnvironmentError extends GraphQLError {
  declare readonly extensions: CloudEnvironmentErrorExtensions;

  constructor(
    message: string,
    extensions: CloudEnvironmentErrorExtensions,
    /** A malformed call of ours rather than the merchant's or WeChat's problem. */
    readonly ourBug = false,
    /** For the log line only. */
    readonly detail: CloudEnvironmentErrorDetail = {},
  ) {
    super(message, { extensions });
    this.name = 'CloudEnvironmentError';
  }
}

/** The field error of a rule of the table, for a failure met while reading the merchant's field. */
function fromRule(rule: ErrorCodeRule, merchantId: string, failure: Error, extra: Partial<CloudEnvironmentErrorExtensions> = {}): CloudEnvironmentError {
  const detail: CloudEnvironmentErrorDetail = { failure: failure.message, ...(rule.operatorAction ? { operatorAction: rule.operatorAction } : {}) };
  return new CloudEnvironmentError(rule.message, { code: rule.code, retryable: rule.retryable, merchantId, ...extra }, rule.ourBug === true, detail);
}

export class MerchantNotAuthorizedError extends CloudEnvironmentError {
  /** `failure`: why the subgraph holds no authorizer for the merchant, for the log line. */
  constructor(merchantId: string, failure = `the authorizer registry lists no authorizer for merchant ${merchantId}`) {
    super(NOT_IN_REGISTRY.message, { code: NOT_IN_REGISTRY.code, retryable: NOT_IN_REGISTRY.retryable, merchantId }, false, { failure });
  }
}

/** The field error for a failure to read WeChat or get a token; anything else is rethrown untouched (a bug, masked by the server). */
export function toCloudEnvironmentError(error: unknown, merchantId: string): CloudEnvironmentError {
  if (error instanceof CloudEnvironmentError) return error;
  if (error instanceof AuthorizerHeldBackError) {
    // The code of the failure that put it there (WECHAT_BUSY stays WECHAT_BUSY); retrying is worth it once the back-off has passed.
    const last = toCloudEnvironmentError(error.lastFailure, merchantId);
    const extensions = { ...last.extensions, retryable: HELD_BACK.retryable, retryAfterMs: error.retryAfterMs };
    return new CloudEnvironmentError(HELD_BACK.message, extensions, last.ourBug, { ...last.detail, failure: error.message });
  }
  if (error instanceof WechatApiError) {
    const wechat: WechatErrorDetails = { errcode: error.errcode, errmsg: error.errmsg, ...(error.rid ? { rid: error.rid } : {}) };
    return fromRule(ruleForErrcode(error.errcode), merchantId, error, { wechat });
  }
  if (error instanceof TokenSourceError) return fromRule(TOKEN_SOURCE[error.failure], merchantId, error);
  if (error instanceof CallerRefusal) return fromRule(CALLER_REFUSAL[error.failure], merchantId, error);
  if (error instanceof StoreUnavailableError) return fromRule(TOKEN_STORE_UNAVAILABLE, merchantId, error);
  // Told to the client as a WeChat that did not answer in time: that is what kept the field waiting.
  if (error instanceof OperationDeadlineError || error instanceof DeadlinePassedError) return fromRule(TRANSPORT.deadline, merchantId, error);
  if (error instanceof WechatTransportError) {
    return fromRule(TRANSPORT[error.failure], merchantId, error, {
      ...(error.httpStatus === undefined ? {} : { wechat: { httpStatus: error.httpStatus } }),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  }
  throw error;
}

/** The `extensions.code` a failure would give a field, or undefined for a failure of no kind the table knows (a bug). */
export function codeOfFailure(error: unknown): ErrorCode | undefined {
  try {
    return toCloudEnvironmentError(error, '').extensions.code;
  } catch {
    return undefined;
  }
}
