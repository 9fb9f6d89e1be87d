/**
 * What one phase of a soak run counted: operations and their latencies, the merchant fields
 * checked, errors by code, and the failures found (the first ones kept word for word, the
 * rest only counted, so a badly broken run cannot exhaust memory describing itself).
 */

/** Failures kept verbatim; later ones are only counted. */
export const MAX_FAILURES_KEPT = 50;

export class SoakTally {
  operations = 0;
  merchantFields = 0;
  /** cloudEnvironments fields: fresh data, stale data (read before its operation began), errors. */
  readonly environments = { data: 0, stale: 0, error: 0 };
  /** The fields of authorized merchants (the others always fail) and how many of them were data, fresh or stale. */
  readonly authorized = { fields: 0, withData: 0 };
  readonly errorsByCode = new Map<string, number>();
  readonly latenciesMs: number[] = [];
  readonly failures: string[] = [];
  failureCount = 0;

  fail(failure: string): void {
    this.failureCount += 1;
    if (this.failures.length < MAX_FAILURES_KEPT) this.failures.push(failure);
  }

  countOperation(latencyMs: number): void {
    this.operations += 1;
    this.latenciesMs.push(latencyMs);
  }

  countFields(count: number): void {
    this.merchantFields += count;
  }

  countEnvironments(outcome: 'data' | 'stale' | 'error', authorized: boolean): void {
    this.environments[outcome] += 1;
    if (!authorized) return;
    this.authorized.fields += 1;
    if (outcome !== 'error') this.authorized.withData += 1;
  }

  countError(code: string): void {
    this.errorsByCode.set(code, (this.errorsByCode.get(code) ?? 0) + 1);
  }

  /** The failures as reported: the ones kept, then how many more there were. */
  failureList(prefix: string): string[] {
    const kept = this.failures.map((failure) => `${prefix}${failure}`);
    const dropped = this.failureCount - this.failures.length;
    return dropped > 0 ? [...kept, `${prefix}... and ${dropped} more failures`] : kept;
  }
}

/** The value below which `fraction` of the samples lie (nearest rank); 0 without samples. */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}
