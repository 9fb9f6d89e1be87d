/**
 * The caller of one operation under AUTHORIZATION=subgraph: its token is verified once,
 * when the first Merchant.cloudEnvironments field asks, and every other field of the
 * operation shares that answer. Operations that do not select the field verify nothing.
 */
import type { CallerVerifier } from './caller-verifier.js';

export class OperationCaller {
  private verified: Promise<void> | undefined;

  constructor(
    private readonly verifier: CallerVerifier,
    private readonly authorizationHeader: string | undefined,
  ) {}

  /** Resolves when the caller may read cloud environments; rejects with a CallerRefusal otherwise. */
  check(): Promise<void> {
    this.verified ??= this.verifier.verify(this.authorizationHeader);
    return this.verified;
  }
}
