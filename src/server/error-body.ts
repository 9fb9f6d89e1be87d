/**
 * The body of a refusal made before GraphQL runs (router secret, malformed or oversized
 * request): shaped like a GraphQL response, so a gateway relays the message and code to
 * its client the same way it relays any subgraph error.
 */
export interface ErrorBody {
  readonly errors: ReadonlyArray<{ readonly message: string; readonly extensions: { readonly code: string } }>;
}

export function errorBody(message: string, code: string): ErrorBody {
  return { errors: [{ message, extensions: { code } }] };
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
