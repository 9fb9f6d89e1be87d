/**
 * Per-operation batching: one DataLoader per authorizer, so however many merchants,
 * aliases and env arguments an operation carries, each authorizer's token makes one
 * getEnvInfo call. The token is fetched when the batch runs, not when fields resolve.
 */
import DataLoader from 'dataloader';
import type { AuthorizerTokenSource } from '../tokens/token-source.js';
import type { CloudEnvironment } from '../wechat/cloud-environment.js';
import type { WechatClient } from '../wechat/wechat-client.js';
import { ALL_ENVIRONMENTS, type EnvironmentQuery, answerQuery, upstreamEnvFor } from './batch-rule.js';

export interface CloudEnvironmentSources {
  readonly tokens: AuthorizerTokenSource;
  readonly wechat: Pick<WechatClient, 'getEnvInfo'>;
}

export class CloudEnvironmentLoaders {
  private readonly byAuthorizer = new Map<string, DataLoader<EnvironmentQuery, CloudEnvironment[]>>();

  constructor(private readonly sources: CloudEnvironmentSources) {}

  /** The authorizer's environments; with `env`, at most that one. */
  load(authorizerAppId: string, env?: string): Promise<CloudEnvironment[]> {
    return this.loaderFor(authorizerAppId).load(env ?? ALL_ENVIRONMENTS);
  }

  private loaderFor(authorizerAppId: string): DataLoader<EnvironmentQuery, CloudEnvironment[]> {
    let loader = this.byAuthorizer.get(authorizerAppId);
    if (!loader) {
      loader = new DataLoader((queries) => this.fetch(authorizerAppId, queries));
      this.byAuthorizer.set(authorizerAppId, loader);
    }
    return loader;
  }

  private async fetch(authorizerAppId: string, queries: readonly EnvironmentQuery[]): Promise<CloudEnvironment[][]> {
    const token = await this.sources.tokens.getToken(authorizerAppId);
    const environments = await this.sources.wechat.getEnvInfo(token, upstreamEnvFor(queries));
    return queries.map((query) => answerQuery(query, environments));
  }
}
