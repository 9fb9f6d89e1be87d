/**
 * The `Cache-Control` of each answer, so a router's entity or response cache may keep
 * merchant data per user for as long as this subgraph itself reuses a getEnvInfo answer
 * (CLOUDENV_CACHE_TTL_MS): `max-age=<TTL in whole seconds>, private` on an error-free
 * answer to an operation that selects only `_entities` (and `__typename`) at its root,
 * `no-store` on anything else. An answer that served any field stale (revalidating, or the
 * last good answer standing in for a failed one) says `max-age=0, private`: it is correct
 * merchant data, but already past its freshness, so no cache may reuse it without asking
 * again (RFC 9111), while `no-store` keeps meaning an error or no merchant data at all.
 *
 * It replaces Apollo Server's cache-control plugin, which reaches the same header for this
 * schema through a hook on every resolved field: in a 50-merchant operation that hook cost
 * about a quarter of the subgraph's CPU. Here the policy is decided once per operation,
 * because every field of this schema would carry the same hint: merchant-private data,
 * as fresh as the getEnvInfo cache. `_service` (the schema, for composition) and
 * introspection are never cacheable, as with Apollo's plugin.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context.js';
import { rootFields } from './root-fields.js';

const CACHEABLE_ROOT_FIELDS: ReadonlySet<string> = new Set(['_entities', '__typename']);

const onlyEntities = (roots: readonly string[]) => roots.includes('_entities') && roots.every((name) => CACHEABLE_ROOT_FIELDS.has(name));

export function cachePolicyPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, document, operation, response }) {
          const stale = contextValue.stats.staleFields > 0;
          const maxAge = stale ? 0 : contextValue.cacheMaxAgeSeconds;
          // The root fields are walked last, only for an answer every cheaper condition lets through.
          const cacheable =
            (maxAge > 0 || stale) &&
            document !== undefined &&
            operation?.operation === 'query' &&
            response.body.kind === 'single' &&
            response.body.singleResult.errors === undefined &&
            onlyEntities(rootFields(document, operation.selectionSet).map((field) => field.name.value));
          response.http.headers.set('cache-control', cacheable ? `max-age=${maxAge}, private` : 'no-store');
        },
      };
    },
  };
}
