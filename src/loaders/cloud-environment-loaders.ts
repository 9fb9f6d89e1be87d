/**
 * Per-operation batching: one DataLoader per authorizer, so however many merchants,
 * aliases and env arguments an operation carries, each authorizer's token makes one
 * getEnvInfo call. The token is fetched when the batch runs, not when fields resolve,
 * through the token layer's `withToken`, which heals a token WeChat rejects. Each field's
 * answer says whether it is stale, and why, for the resolver to count and tell.
 */
import DataLoader from 'dataloader';
import type { AuthorizerTokenSource } from '../tokens/token-source.js';
import type { WechatClient } from '../wechat/wechat-client.js';
import type { FetchedEnvironment } from './kept-answer.js';
import type { OperationDeadline } from './operation-deadline.js';
import type { SharedEnvInfo, StaleReason } from './shared-env-info.js';
import type { Metrics } from '../observability/metrics.js';
import { inSpan } from '../observability/tracing.js';
import { ALL_ENVIRONMENTS, type EnvironmentQuery, answerQuery, upstreamEnvFor } from './batch-rule.js';

export interface CloudEnvironmentSources {
  readonly tokens: Pick<AuthorizerTokenSource, 'withToken'>;
  readonly wechat: Pick<WechatClient, 'getEnvInfo'>;
  /** Single-flight, and the answers kept across operations (fresh, revalidating, stale if error). */
  readonly envInfo: SharedEnvInfo;
  readonly metrics: Metrics;
}

/** What one operation cost upstream, for its log line. */
export interface OperationStats {
  /** getEnvInfo calls this operation made itself (not cache hits or calls it joined), background refreshes it started included. */
  upstreamCalls: number;
  /** cloudEnvironments fields it answered with an answer that was not fresh (its Cache-Control says so). */
  staleFields: number;
}

/** One field's environments, and why they are not fresh when they are not. */
export interface FieldAnswer {
  readonly environments: FetchedEnvironment[];
  readonly stale?: StaleReason | undefined;
}

export class CloudEnvironmentLoaders {
  private readonly byAuthorizer = new Map<string, DataLoader<EnvironmentQuery, FieldAnswer>>();

  constructor(
    private readonly sources: CloudEnvironmentSources,
    private readonly deadline: OperationDeadline,
    private readonly stats: OperationStats,
  ) {}

  /** The authorizer's environments; with `env`, at most that one. Fails once the operation's deadline passes, unless a last good answer may stand in. */
  load(authorizerAppId: string, env?: string): Promise<FieldAnswer> {
    return this.loaderFor(authorizerAppId).load(env ?? ALL_ENVIRONMENTS);
  }

  private loaderFor(authorizerAppId: string): DataLoader<EnvironmentQuery, FieldAnswer> {
    let loader = this.byAuthorizer.get(authorizerAppId);
    if (!loader) {
      loader = new DataLoader((queries) => this.fetch(authorizerAppId, queries));
      this.byAuthorizer.set(authorizerAppId, loader);
    }
    return loader;
  }

  private async fetch(authorizerAppId: string, queries: readonly EnvironmentQuery[]): Promise<FieldAnswer[]> {
    this.sources.metrics.batchSize.observe(queries.length);
    const call = { deadline: this.deadline.at, authorizer: authorizerAppId };
    // The deadline races each batch's wait for WeChat (one per authorizer), not each field: fields share their batch's fate.
    const answer = await this.sources.envInfo.get(
      authorizerAppId,
      upstreamEnvFor(queries),
      (env) =>
        inSpan('wechat getEnvInfo', { 'wechat.authorizer_appid': authorizerAppId, 'cloudenv.batch_size': queries.length }, () =>
          this.withFreshToken(authorizerAppId, (token) => this.sources.wechat.getEnvInfo(token, env, call)),
        ),
      (work) => this.deadline.race(work),
    );
    return queries.map((query) => ({ environments: answerQuery(query, answer.environments), stale: answer.stale }));
  }

  /** Calls WeChat with the authorizer's token (healed by the token layer), counting each call made. */
  private withFreshToken<T>(authorizerAppId: string, call: (token: string) => Promise<T>): Promise<T> {
    return this.sources.tokens.withToken(authorizerAppId, (token) => {
      this.stats.upstreamCalls += 1;
      return call(token);
    });
  }
}
