/**
 * What every resolver of one operation shares: its loaders, its logger, its request id,
 * and its deadline, which the registry lookup and the caller check race as the WeChat
 * calls do: a lookup cut short is TOKEN_STORE_UNAVAILABLE, a check cut short
 * AUTH_UNAVAILABLE, so a slow store or identity provider never holds the response and
 * never lets a caller through.
 */
import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import { CallerRefusal } from './auth/caller-refusal.js';
import { OperationCaller } from './auth/operation-caller.js';
import type { CallerVerifier } from './auth/caller-verifier.js';
import type { Authorizer, AuthorizerRegistry } from './authorizers/authorizer-registry.js';
import { CloudEnvironmentLoaders, type CloudEnvironmentSources, type OperationStats } from './loaders/cloud-environment-loaders.js';
import { OperationDeadline } from './loaders/operation-deadline.js';
import type { Metrics } from './observability/metrics.js';
import { StoreUnavailableError } from './store/key-value-store.js';

export interface Context {
  readonly requestId: string;
  readonly logger: Logger;
  /** Merchant id → authorizer, one registry lookup per operation for all its merchants. */
  readonly authorizers: DataLoader<string, Authorizer | undefined>;
  /** Authorizer appid → whether it revoked its authorization (MERCHANT_AUTHORIZER_FIELD: the gateway names the authorizers); one read per operation. */
  readonly revokedAuthorizers: DataLoader<string, boolean>;
  readonly cloudEnvironments: CloudEnvironmentLoaders;
  readonly deadline: OperationDeadline;
  /** The max-age of this operation's cache hints: the getEnvInfo cache TTL, in whole seconds. */
  readonly cacheMaxAgeSeconds: number;
  /** AUTHORIZATION=subgraph: the caller, whose token Merchant.cloudEnvironments checks; undefined when off. */
  readonly caller: OperationCaller | undefined;
  /** What the operation cost, for its log line and metrics. */
  readonly stats: OperationStats & { readonly merchants: Set<string>; readonly startedAt: number };
  /** The subgraph's metrics, for what resolvers count themselves (how each field ended). */
  readonly metrics: Metrics;
}

export interface ContextSources extends CloudEnvironmentSources {
  readonly registry: AuthorizerRegistry;
  readonly logger: Logger;
  /** REQUEST_DEADLINE_MS */
  readonly requestDeadlineMs: number;
  /** CLOUDENV_CACHE_TTL_MS */
  readonly cacheTtlMs: number;
  /** AUTHORIZATION=subgraph; undefined when off. */
  readonly callerVerifier?: CallerVerifier | undefined;
}

/**
 * `logger` is the HTTP framework's per-request logger, already bound to the request id;
 * `authorization` the request's Authorization header (the caller's JWT), read only under AUTHORIZATION=subgraph.
 */
export function createContext(sources: ContextSources, requestId: string, logger: Logger, authorization?: string): Context {
  const deadline = new OperationDeadline(sources.requestDeadlineMs);
  const stats = { upstreamCalls: 0, staleFields: 0, merchants: new Set<string>(), startedAt: performance.now() };
  return {
    requestId,
    logger,
    authorizers: new DataLoader((merchantIds) => deadline.race(sources.registry.findByMerchantIds(merchantIds), registryTooSlow(sources.requestDeadlineMs))),
    revokedAuthorizers: new DataLoader((appIds) => deadline.race(sources.registry.revokedAmong(appIds), registryTooSlow(sources.requestDeadlineMs))),
    cloudEnvironments: new CloudEnvironmentLoaders(sources, deadline, stats),
    stats,
    metrics: sources.metrics,
    deadline,
    cacheMaxAgeSeconds: Math.floor(sources.cacheTtlMs / 1000),
    caller: sources.callerVerifier
      ? new OperationCaller(sources.callerVerifier, authorization, (check) => deadline.race(check, callerCheckTooSlow(sources.requestDeadlineMs)))
      : undefined,
  };
}

const registryTooSlow = (budgetMs: number) => () =>
  new StoreUnavailableError(`the authorizer registry did not answer within the operation's deadline of ${budgetMs} ms (REQUEST_DEADLINE_MS)`);

const callerCheckTooSlow = (budgetMs: number) => () =>
  new CallerRefusal('keys-unavailable', `the caller's token could not be checked within the operation's deadline of ${budgetMs} ms (REQUEST_DEADLINE_MS): the keys that verify it did not arrive in time`);
