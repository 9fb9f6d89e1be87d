/**
 * Resolves a `Merchant` representation from the gateway. Nothing is fetched here: the
 * merchant's authorizer is looked up only if cloudEnvironments is selected. It is async
 * so that a bad representation fails its own `_entities` item, not the whole list
 * (@apollo/subgraph maps representations synchronously).
 */
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.js';
import { hintPrivate } from './cache-hint.js';
import type { Merchant } from './merchant.js';

export async function resolveMerchantReference(representation: { id?: unknown }, context: Context, info: GraphQLResolveInfo): Promise<Merchant> {
  // _entities is a root field: without a hint of its own it would make every answer uncacheable.
  hintPrivate(info, context.cacheMaxAgeSeconds);
  const { id } = representation;
  if (typeof id !== 'string' || id === '') {
    throw new GraphQLError('A Merchant representation needs a non-empty string "id", e.g. { "__typename": "Merchant", "id": "m_1001" }.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return { id };
}
