/**
 * Why a caller may not read Merchant.cloudEnvironments under AUTHORIZATION=subgraph: no
 * valid token, a valid token without the scope, or keys that could not be fetched. The
 * error table (errors/error-codes.ts) turns each into its code; the message never quotes
 * the token.
 */
export type CallerRefusalFailure = 'unauthenticated' | 'forbidden' | 'unavailable';

export class CallerRefusal extends Error {
  constructor(
    readonly failure: CallerRefusalFailure,
    message: string,
  ) {
    super(message);
    this.name = 'CallerRefusal';
  }
}
