/**
 * Resolves a `Merchant` representation from the gateway. Nothing is fetched here: the
 * merchant's authorizer is looked up only if cloudEnvironments is selected. It is async
 * so that a bad representation fails its own `_entities` item, not the whole list
 * (@apollo/subgraph maps representations synchronously).
 */
import { GraphQLError } from 'graphql';
import type { Merchant } from './merchant.js';

export async function resolveMerchantReference(representation: { id?: unknown }): Promise<Merchant> {
  const { id } = representation;
  if (typeof id !== 'string' || id === '') {
    throw new GraphQLError('A Merchant representation needs a non-empty string "id", e.g. { "__typename": "Merchant", "id": "m_1001" }.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return { id };
}
