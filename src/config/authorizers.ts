/**
 * Where each merchant's authorizer comes from: AUTHORIZERS_FILE, imported at start-up
 * (optional with Redis, which holds the registry; the demo uses its own file), or, with
 * MERCHANT_AUTHORIZER_FIELD, the merchants subgraph, whose field the gateway sends with
 * each merchant's representation (`@requires`), so no registry is read.
 */
import { z } from 'zod';
import { optionalString } from './variables.js';

/** A GraphQL name that is not reserved for introspection (`__…`). */
const GRAPHQL_FIELD_NAME = /^(?!__)[_A-Za-z][_0-9A-Za-z]{0,63}$/;
/** Merchant's key and the field this subgraph adds: the appid's field cannot be either. */
const MERCHANT_FIELDS = ['id', 'cloudEnvironments'];

export const authorizersModel = z.object({
  AUTHORIZERS_FILE: optionalString,
  MERCHANT_AUTHORIZER_FIELD: optionalString
    .refine(
      (value) => value === undefined || GRAPHQL_FIELD_NAME.test(value),
      'MERCHANT_AUTHORIZER_FIELD must be a GraphQL field name of 1 to 64 characters (a letter or "_", then letters, digits and "_"; not starting with "__"): the Merchant field of the merchants subgraph that holds the mini program\'s appid, e.g. wechatAppId',
    )
    .refine(
      (value) => value === undefined || !MERCHANT_FIELDS.includes(value),
      'MERCHANT_AUTHORIZER_FIELD cannot be id or cloudEnvironments (Merchant\'s key and the field this subgraph adds): name the merchants subgraph\'s field that holds the appid, e.g. wechatAppId',
    ),
});

export type AuthorizersVariables = z.output<typeof authorizersModel>;

export interface AuthorizersConfig {
  /** Undefined in demo mode (the bundled demo file is used) or when Redis holds the registry. */
  readonly authorizersFile: string | undefined;
  /**
   * MERCHANT_AUTHORIZER_FIELD: the Merchant field, owned by the merchants subgraph, that
   * holds each merchant's mini-program appid. Set: the SDL `@requires` it and the registry
   * is not read. Undefined (the default): the registry names each merchant's authorizer.
   */
  readonly merchantAuthorizerField: string | undefined;
}

export function authorizersConfig(values: AuthorizersVariables): AuthorizersConfig {
  return { authorizersFile: values.AUTHORIZERS_FILE, merchantAuthorizerField: values.MERCHANT_AUTHORIZER_FIELD };
}
