/**
 * The shared dependencies a replica needs (the store, the platform's token source, the
 * JWKS, the component_verify_ticket), checked in the background every
 * DEPENDENCY_CHECK_INTERVAL_MS: one round trip per dependency per interval, whatever the
 * probe rate. A degraded dependency never takes a replica out of the load balancer (every
 * replica shares it, so all would leave at once, and the ticket arrives only at a replica
 * that takes traffic); it is reported in /readyz's body, as `cloudenv_degraded{check}`, in
 * one log line when it changes, and as the errors of the fields it costs.
 */
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

/** The checks, as the `check` label of cloudenv_degraded names them. */
export type DependencyCheckName = 'store' | 'platform' | 'jwks' | 'ticket';

export interface DependencyCheck {
  readonly check: DependencyCheckName;
  /** Undefined when fine, else why not: for an operator, never a secret. A rejection counts as degraded, with its message. */
  run(): Promise<string | undefined>;
  /** Not run, keeping its last state, while this check is degraded (the ticket cannot be read while the store is down). */
  readonly needs?: DependencyCheckName;
}

export interface Degradation {
  readonly check: DependencyCheckName;
  readonly reason: string;
  /** When the check first found it degraded (ISO 8601). */
  readonly since: string;
}

export interface DependencyChecksOptions {
  readonly intervalMs: number;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export class DependencyChecks {
  private readonly state = new Map<DependencyCheckName, Degradation | undefined>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly checks: readonly DependencyCheck[],
    private readonly options: DependencyChecksOptions,
  ) {}

  /** Runs the first round (each check bounded by the interval), then one round per interval until stop(). */
  async start(): Promise<void> {
    await this.round();
    this.schedule();
  }

  /** What is degraded now, in the checks' order. */
  get degraded(): Degradation[] {
    return this.checks.map(({ check }) => this.state.get(check)).filter((entry): entry is Degradation => entry !== undefined);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    // The next round starts an interval after this one ends: rounds never overlap.
    this.timer = setTimeout(() => void this.round().then(() => this.schedule()), this.options.intervalMs);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    const independent = this.checks.filter((check) => check.needs === undefined);
    await Promise.all(independent.map((check) => this.runOne(check)));
    for (const check of this.checks.filter((candidate) => candidate.needs !== undefined)) {
      if (this.state.get(check.needs!) === undefined) await this.runOne(check);
    }
  }

  private async runOne(check: DependencyCheck): Promise<void> {
    const { intervalMs } = this.options;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`did not answer within ${intervalMs} ms (DEPENDENCY_CHECK_INTERVAL_MS)`), intervalMs);
    });
    const reason = await Promise.race([check.run().catch((error: unknown) => (error instanceof Error ? error.message : String(error))), timedOut]);
    clearTimeout(timer);
    if (!this.stopped) this.record(check.check, reason);
  }

  private record(check: DependencyCheckName, reason: string | undefined): void {
    const before = this.state.get(check);
    this.options.metrics.degraded.set({ check }, reason === undefined ? 0 : 1);
    if (reason === undefined) {
      this.state.set(check, undefined);
      if (before) this.options.logger.info({ check, degradedSince: before.since }, `${check} is fine again`);
      return;
    }
    this.state.set(check, { check, reason, since: before?.since ?? new Date().toISOString() });
    if (before?.reason !== reason) this.options.logger.warn({ check, reason }, `${check} degraded: ${reason}`);
  }
}
