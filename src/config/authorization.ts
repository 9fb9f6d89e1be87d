/**
 * Who may read Merchant.cloudEnvironments: the router's shared secret, and AUTHORIZATION
 * (docs/authorization.md) with the scope both modes require and the key set `subgraph`
 * mode checks callers' tokens against (fetched within AUTH_JWKS_TIMEOUT_MS); and
 * ALLOW_OPEN_ACCESS, the opt-out production needs to run with no guard (rules.ts).
 */
import { z } from 'zod';
import { rulesOver } from './model.js';
import { HTTP_URL, integer, optionalBoolean, optionalMatching, optionalString, stringWithDefault } from './variables.js';

/** The scope Merchant.cloudEnvironments requires when authorization is on (AUTH_SCOPE). */
export const DEFAULT_AUTH_SCOPE = 'merchant:cloud-environments:read';
const AUTHORIZATION_MODES = ['router', 'subgraph'] as const;

export const authorizationModel = z.object({
  ROUTER_SECRET: optionalString.refine((value) => value === undefined || value.length >= 16, 'ROUTER_SECRET must be at least 16 characters'),
  // The modes named; an unknown one is a rule's problem, so that subgraph's needs are named beside it.
  AUTHORIZATION: optionalString.transform((value) => (value ?? '').split(',').map((mode) => mode.trim()).filter(Boolean)),
  AUTH_SCOPE: stringWithDefault(
    DEFAULT_AUTH_SCOPE,
    /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/,
    'AUTH_SCOPE must be one OAuth scope: 1 to 128 printable characters without spaces, quotes or backslashes',
  ),
  AUTH_JWKS_URL: optionalMatching(
    HTTP_URL,
    "AUTH_JWKS_URL must be the http(s) URL of your identity provider's JSON Web Key Set, e.g. https://idp.example.com/.well-known/jwks.json",
  ),
  AUTH_ISSUER: optionalString,
  AUTH_AUDIENCE: optionalString,
  AUTH_JWKS_COOLDOWN_MS: integer('AUTH_JWKS_COOLDOWN_MS', 0, 600_000, 30_000),
  AUTH_JWKS_TIMEOUT_MS: integer('AUTH_JWKS_TIMEOUT_MS', 100, 60_000, 5_000),
  ALLOW_OPEN_ACCESS: optionalBoolean('ALLOW_OPEN_ACCESS'),
});

export type AuthorizationVariables = z.output<typeof authorizationModel>;

export interface AuthorizationConfig {
  /** Shared secret the router sends in `router-authorization`; unset: no check. */
  readonly routerSecret: string | undefined;
  /** AUTHORIZATION (docs/authorization.md): who checks that a caller may read Merchant.cloudEnvironments. */
  readonly authorization: {
    /** `router`: the SDL carries @requiresScopes(scopes: [[scope]]) for routers that enforce it. */
    readonly router: boolean;
    /** `subgraph`: the caller's forwarded JWT is verified here against this JWKS; undefined: off. */
    readonly subgraph:
      | {
          readonly jwksUrl: string;
          readonly issuer: string | undefined;
          readonly audience: string | undefined;
          readonly jwksCooldownMs: number;
          /** Longest one fetch of the key set may take. */
          readonly jwksTimeoutMs: number;
        }
      | undefined;
    /** AUTH_SCOPE */
    readonly scope: string;
  };
}

const rule = rulesOver<AuthorizationVariables>();

/** AUTHORIZATION names known modes, and subgraph mode has a key set to check tokens against. */
export const authorizationRules = [
  rule(['AUTHORIZATION'], ({ AUTHORIZATION: modes }) => {
    const unknown = modes.filter((mode) => !(AUTHORIZATION_MODES as readonly string[]).includes(mode));
    return unknown.length > 0 && `AUTHORIZATION must be empty or a comma-separated list of router and subgraph (docs/authorization.md), got "${unknown.join('", "')}"`;
  }),
  rule(
    ['AUTHORIZATION', 'AUTH_JWKS_URL'],
    ({ AUTHORIZATION: modes, AUTH_JWKS_URL: jwksUrl }) =>
      modes.includes('subgraph') &&
      jwksUrl === undefined &&
      "AUTHORIZATION=subgraph needs AUTH_JWKS_URL: the URL of the JSON Web Key Set that signs your callers' tokens, e.g. https://idp.example.com/.well-known/jwks.json",
  ),
];

export function authorizationConfig(values: AuthorizationVariables): AuthorizationConfig {
  const jwksUrl = values.AUTH_JWKS_URL;
  return {
    routerSecret: values.ROUTER_SECRET,
    authorization: Object.freeze({
      router: values.AUTHORIZATION.includes('router'),
      subgraph:
        values.AUTHORIZATION.includes('subgraph') && jwksUrl
          ? Object.freeze({
              jwksUrl,
              issuer: values.AUTH_ISSUER,
              audience: values.AUTH_AUDIENCE,
              jwksCooldownMs: values.AUTH_JWKS_COOLDOWN_MS,
              jwksTimeoutMs: values.AUTH_JWKS_TIMEOUT_MS,
            })
          : undefined,
      scope: values.AUTH_SCOPE,
    }),
  };
}
