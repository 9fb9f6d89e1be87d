/**
 * The caller of one operation under AUTHORIZATION=subgraph: its token is verified once,
 * when the first Merchant.cloudEnvironments field asks, and every other field of the
 * operation shares that answer. Operations that do not select the field verify nothing.
 * The check is bounded by the operation's deadline (`bounded`), and fails closed.
 */
import type { CallerVerifier } from './caller-verifier.js';

export class OperationCaller {
  private verified: Promise<void> | undefined;

  constructor(
    private readonly verifier: CallerVerifier,
    private readonly authorizationHeader: string | undefined,
    /** Races the verification against the operation's deadline, rejecting with a CallerRefusal when it passes. */
    private readonly bounded: (check: Promise<void>) => Promise<void> = (check) => check,
  ) {}

  /** Resolves when the caller may read cloud environments; rejects with a CallerRefusal otherwise. */
  check(): Promise<void> {
    this.verified ??= this.bounded(this.verifier.verify(this.authorizationHeader));
    return this.verified;
  }
}
