/**
 * Resolves a `Merchant` representation from the gateway. Nothing is fetched here: the
 * merchant's authorizer is looked up only if cloudEnvironments is selected. A bad
 * representation answers a rejected promise, so that it fails its own `_entities` item,
 * not the whole list (@apollo/subgraph maps representations synchronously, and a throw
 * there would fail them all); a good one answers at once, without a promise per merchant.
 */
import { GraphQLError } from 'graphql';
import { INPUT_RULES } from '../errors/error-codes.js';
import { Merchant } from './merchant.js';

export function resolveMerchantReference(representation: { id?: unknown }): Merchant | Promise<never> {
  const { id } = representation;
  if (typeof id !== 'string' || id === '') {
    const error = new GraphQLError(INPUT_RULES['merchant-id'].message, { extensions: { code: INPUT_RULES['merchant-id'].code } });
    return Promise.reject(error);
  }
  // An instance of the class, which type-graphql then hands to the field resolver's @Root() as it is.
  const merchant = new Merchant();
  merchant.id = id;
  return merchant;
}
