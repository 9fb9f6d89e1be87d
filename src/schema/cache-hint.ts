/**
 * Cache hints for routers and CDNs: merchant data may be kept as long as this subgraph
 * itself reuses a getEnvInfo answer (CLOUDENV_CACHE_TTL_MS), and only per user (PRIVATE),
 * since it is merchant-private. Apollo Server folds the hints into `Cache-Control`.
 */
import { cacheControlFromInfo } from '@apollo/cache-control-types';
import type { GraphQLResolveInfo } from 'graphql';

export function hintPrivate(info: GraphQLResolveInfo, maxAgeSeconds: number): void {
  if (maxAgeSeconds > 0) cacheControlFromInfo(info).setCacheHint({ maxAge: maxAgeSeconds, scope: 'PRIVATE' });
}
