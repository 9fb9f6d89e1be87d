/**
 * Resolves a `Merchant` representation from the gateway. Nothing is fetched here: the
 * merchant's authorizer is looked up only if cloudEnvironments is selected. A bad
 * representation answers a rejected promise, so that it fails its own `_entities` item,
 * not the whole list (@apollo/subgraph maps representations synchronously, and a throw
 * there would fail them all); a good one answers at once, without a promise per merchant.
 * Under MERCHANT_AUTHORIZER_FIELD the field's value travels on the merchant unchecked:
 * cloudEnvironments checks it, so a bad one fails that field only, with the merchant's id.
 */
import { GraphQLError } from 'graphql';
import { INPUT_RULES } from '../errors/error-codes.js';
import { Merchant } from './merchant.js';

export type MerchantReferenceResolver = (representation: Record<string, unknown>) => Merchant | Promise<never>;

/** The reference resolver; with `authorizerField`, it keeps that field's value for cloudEnvironments. */
export function merchantReferenceResolver(authorizerField?: string): MerchantReferenceResolver {
  return (representation) => {
    const { id } = representation;
    if (typeof id !== 'string' || id === '') {
      const error = new GraphQLError(INPUT_RULES['merchant-id'].message, { extensions: { code: INPUT_RULES['merchant-id'].code } });
      return Promise.reject(error);
    }
    // An instance of the class, which type-graphql then hands to the field resolver's @Root() as it is.
    const merchant = new Merchant();
    merchant.id = id;
    if (authorizerField !== undefined) merchant.representedAuthorizer = { field: authorizerField, value: representation[authorizerField] };
    return merchant;
  };
}

/** The default configuration's reference resolver: the registry names each merchant's authorizer. */
export const resolveMerchantReference = merchantReferenceResolver();
