/**
 * Why a caller may not read Merchant.cloudEnvironments under AUTHORIZATION=subgraph: no
 * valid token (and which check it failed), a valid token without the scope, or keys that
 * could not be fetched. The error table (errors/error-codes.ts) gives each reason its code
 * and the text the caller reads; the refusal's own message is for the log (it may name the
 * JWKS URL or the configured scope) and never quotes the token.
 */
export type CallerRefusalFailure =
  | 'token-missing'
  | 'not-bearer'
  | 'malformed'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'claim-invalid'
  | 'unknown-key'
  | 'bad-signature'
  | 'algorithm-refused'
  | 'scope-missing'
  | 'keys-unavailable';

export class CallerRefusal extends Error {
  constructor(
    readonly failure: CallerRefusalFailure,
    message: string,
  ) {
    super(message);
    this.name = 'CallerRefusal';
  }
}
