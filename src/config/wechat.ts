/**
 * The WeChat client: the origin it calls, its timeout and pool, and every resilience
 * setting (the queue, the bulkhead, the per-authorizer back-off, the host circuits, the
 * disaster-recovery host), with the rules that keep them consistent.
 */
import { z } from 'zod';
import { rulesOver } from './model.js';
import { HTTP_ORIGIN, httpOrigin, integer, optionalString, withoutTrailingSlash } from './variables.js';

const WECHAT_PRODUCTION_URL = 'https://api.weixin.qq.com';
/** WeChat's published disaster-recovery domain for api.weixin.qq.com. */
const WECHAT_FALLBACK_URL = 'https://api2.weixin.qq.com';

export const wechatModel = z.object({
  WECHAT_API_BASE_URL: httpOrigin('WECHAT_API_BASE_URL must be an http(s) origin such as https://api.weixin.qq.com (no path or query)'),
  WECHAT_TIMEOUT_MS: integer('WECHAT_TIMEOUT_MS', 1, 60_000, 5_000),
  WECHAT_MAX_CONNECTIONS: integer('WECHAT_MAX_CONNECTIONS', 1, 1_024, 64),
  WECHAT_MAX_CONCURRENCY: integer('WECHAT_MAX_CONCURRENCY', 1, 1_024, 32),
  WECHAT_MAX_QUEUE: integer('WECHAT_MAX_QUEUE', 0, 100_000, 1_000),
  WECHAT_CIRCUIT_RESET_MS: integer('WECHAT_CIRCUIT_RESET_MS', 100, 600_000, 5_000),
  WECHAT_API_FALLBACK_BASE_URL: optionalString
    .refine(
      (value) => value === undefined || value === 'none' || HTTP_ORIGIN.test(value),
      'WECHAT_API_FALLBACK_BASE_URL must be an http(s) origin such as https://api2.weixin.qq.com (no path or query), or none',
    )
    .transform(withoutTrailingSlash),
  WECHAT_CIRCUIT_WINDOW: integer('WECHAT_CIRCUIT_WINDOW', 2, 10_000, 40),
  WECHAT_CIRCUIT_MIN_FAILURES: integer('WECHAT_CIRCUIT_MIN_FAILURES', 1, 10_000, 10),
  WECHAT_CIRCUIT_MIN_AUTHORIZERS: integer('WECHAT_CIRCUIT_MIN_AUTHORIZERS', 1, 10_000, 3),
  WECHAT_CIRCUIT_FAILURE_PERCENT: integer('WECHAT_CIRCUIT_FAILURE_PERCENT', 1, 100, 50),
  WECHAT_AUTHORIZER_BACKOFF_BASE_MS: integer('WECHAT_AUTHORIZER_BACKOFF_BASE_MS', 10, 600_000, 1_000),
  WECHAT_AUTHORIZER_BACKOFF_MAX_MS: integer('WECHAT_AUTHORIZER_BACKOFF_MAX_MS', 10, 3_600_000, 60_000),
  /** 0 (unset): an eighth of WECHAT_MAX_CONCURRENCY, at least 1. */
  WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER: integer('WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER', 1, 1_024, 0),
});

export type WechatVariables = z.output<typeof wechatModel>;

export interface WechatConfig {
  /** Undefined only in demo mode, until the simulator has started. */
  readonly baseUrl: string | undefined;
  readonly timeoutMs: number;
  readonly maxConnections: number;
  /** Most WeChat calls in flight at once; more wait in a queue of at most maxQueue. */
  readonly maxConcurrency: number;
  readonly maxQueue: number;
  /** How long the circuit stays open before a probe call is let through. */
  readonly circuitResetMs: number;
  /** WeChat's disaster-recovery origin, used while the primary host's circuit is open; undefined: none. */
  readonly fallbackBaseUrl: string | undefined;
  /** A host's circuit opens when, of its last circuitWindow logical calls, circuitMinFailures failed, for circuitMinAuthorizers distinct authorizers or more, being circuitFailurePercent % of those seen. */
  readonly circuitWindow: number;
  readonly circuitMinFailures: number;
  readonly circuitMinAuthorizers: number;
  readonly circuitFailurePercent: number;
  /** An authorizer whose calls keep failing is held back this long, doubling per failure up to the maximum. */
  readonly authorizerBackoffBaseMs: number;
  readonly authorizerBackoffMaxMs: number;
  /** Most calls in flight at once for one authorizer (the bulkhead). */
  readonly maxConcurrencyPerAuthorizer: number;
}

const rule = rulesOver<WechatVariables>();

/** The resilience settings that must agree with each other. */
export const wechatRules = [
  rule(
    ['WECHAT_AUTHORIZER_BACKOFF_BASE_MS', 'WECHAT_AUTHORIZER_BACKOFF_MAX_MS'],
    ({ WECHAT_AUTHORIZER_BACKOFF_BASE_MS: base, WECHAT_AUTHORIZER_BACKOFF_MAX_MS: max }) =>
      base > max && `WECHAT_AUTHORIZER_BACKOFF_BASE_MS (${base}) must not exceed WECHAT_AUTHORIZER_BACKOFF_MAX_MS (${max})`,
  ),
  rule(
    ['WECHAT_CIRCUIT_MIN_FAILURES', 'WECHAT_CIRCUIT_WINDOW'],
    ({ WECHAT_CIRCUIT_MIN_FAILURES: minFailures, WECHAT_CIRCUIT_WINDOW: window }) =>
      minFailures > window && `WECHAT_CIRCUIT_MIN_FAILURES (${minFailures}) must not exceed WECHAT_CIRCUIT_WINDOW (${window}): the circuit could never open`,
  ),
  rule(
    ['WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER', 'WECHAT_MAX_CONCURRENCY'],
    ({ WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER: perAuthorizer, WECHAT_MAX_CONCURRENCY: pool }) =>
      perAuthorizer > pool && `WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER (${perAuthorizer}) must not exceed WECHAT_MAX_CONCURRENCY (${pool})`,
  ),
];

/** The disaster-recovery origin: as set ("none" for none), else api2 for the real WeChat, else none. */
function fallbackBaseUrl(configured: string | undefined, primary: string | undefined): string | undefined {
  if (configured === 'none') return undefined;
  if (configured !== undefined) return configured;
  return primary === WECHAT_PRODUCTION_URL ? WECHAT_FALLBACK_URL : undefined;
}

/** `production`: an unset WECHAT_API_BASE_URL means the real WeChat; elsewhere, the demo's simulator (set later). */
export function wechatConfig(values: WechatVariables, production: boolean): WechatConfig {
  const baseUrl = values.WECHAT_API_BASE_URL ?? (production ? WECHAT_PRODUCTION_URL : undefined);
  return Object.freeze({
    baseUrl,
    timeoutMs: values.WECHAT_TIMEOUT_MS,
    maxConnections: values.WECHAT_MAX_CONNECTIONS,
    maxConcurrency: values.WECHAT_MAX_CONCURRENCY,
    maxQueue: values.WECHAT_MAX_QUEUE,
    circuitResetMs: values.WECHAT_CIRCUIT_RESET_MS,
    fallbackBaseUrl: fallbackBaseUrl(values.WECHAT_API_FALLBACK_BASE_URL, baseUrl),
    circuitWindow: values.WECHAT_CIRCUIT_WINDOW,
    circuitMinFailures: values.WECHAT_CIRCUIT_MIN_FAILURES,
    circuitMinAuthorizers: values.WECHAT_CIRCUIT_MIN_AUTHORIZERS,
    circuitFailurePercent: values.WECHAT_CIRCUIT_FAILURE_PERCENT,
    authorizerBackoffBaseMs: values.WECHAT_AUTHORIZER_BACKOFF_BASE_MS,
    authorizerBackoffMaxMs: values.WECHAT_AUTHORIZER_BACKOFF_MAX_MS,
    maxConcurrencyPerAuthorizer: values.WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER || Math.max(1, Math.ceil(values.WECHAT_MAX_CONCURRENCY / 8)),
  });
}
