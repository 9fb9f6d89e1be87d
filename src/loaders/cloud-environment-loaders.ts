/**
 * Per-operation batching: one DataLoader per authorizer, so however many merchants,
 * aliases and env arguments an operation carries, each authorizer's token makes one
 * getEnvInfo call. The token is fetched when the batch runs, not when fields resolve,
 * through the token layer's `withToken`, which heals a token WeChat rejects.
 */
import DataLoader from 'dataloader';
import type { AuthorizerTokenSource } from '../tokens/token-source.js';
import type { EnvInfo } from '../wechat/env-info.js';
import type { WechatClient } from '../wechat/wechat-client.js';
import type { OperationDeadline } from './operation-deadline.js';
import type { SharedEnvInfo } from './shared-env-info.js';
import type { Metrics } from '../observability/metrics.js';
import { inSpan } from '../observability/tracing.js';
import { ALL_ENVIRONMENTS, type EnvironmentQuery, answerQuery, upstreamEnvFor } from './batch-rule.js';

export interface CloudEnvironmentSources {
  readonly tokens: Pick<AuthorizerTokenSource, 'withToken'>;
  readonly wechat: Pick<WechatClient, 'getEnvInfo'>;
  /** Single-flight and short-lived cache across operations. */
  readonly envInfo: SharedEnvInfo;
  readonly metrics: Metrics;
}

/** What one operation cost upstream, for its log line. */
export interface OperationStats {
  /** getEnvInfo calls this operation made itself (not cache hits or calls it joined). */
  upstreamCalls: number;
}

export class CloudEnvironmentLoaders {
  private readonly byAuthorizer = new Map<string, DataLoader<EnvironmentQuery, EnvInfo[]>>();

  constructor(
    private readonly sources: CloudEnvironmentSources,
    private readonly deadline: OperationDeadline,
    private readonly stats: OperationStats,
  ) {}

  /** The authorizer's environments; with `env`, at most that one. Fails once the operation's deadline passes. */
  load(authorizerAppId: string, env?: string): Promise<EnvInfo[]> {
    const query = env ?? ALL_ENVIRONMENTS;
    // The deadline races each batch (one per authorizer), not each field: fields share their batch's fate.
    return this.loaderFor(authorizerAppId).load(query);
  }

  private loaderFor(authorizerAppId: string): DataLoader<EnvironmentQuery, EnvInfo[]> {
    let loader = this.byAuthorizer.get(authorizerAppId);
    if (!loader) {
      loader = new DataLoader((queries) => this.deadline.race(this.fetch(authorizerAppId, queries)));
      this.byAuthorizer.set(authorizerAppId, loader);
    }
    return loader;
  }

  private async fetch(authorizerAppId: string, queries: readonly EnvironmentQuery[]): Promise<EnvInfo[][]> {
    this.sources.metrics.batchSize.observe(queries.length);
    const env = upstreamEnvFor(queries);
    const call = { deadline: this.deadline.at, authorizer: authorizerAppId };
    const environments = await this.sources.envInfo.get(authorizerAppId, env, () =>
      inSpan('wechat getEnvInfo', { 'wechat.authorizer_appid': authorizerAppId, 'cloudenv.batch_size': queries.length }, () =>
        this.withFreshToken(authorizerAppId, (token) => this.sources.wechat.getEnvInfo(token, env, call)),
      ),
    );
    return queries.map((query) => answerQuery(query, environments));
  }

  /** Calls WeChat with the authorizer's token (healed by the token layer), counting each call made. */
  private withFreshToken<T>(authorizerAppId: string, call: (token: string) => Promise<T>): Promise<T> {
    return this.sources.tokens.withToken(authorizerAppId, (token) => {
      this.stats.upstreamCalls += 1;
      return call(token);
    });
  }
}
