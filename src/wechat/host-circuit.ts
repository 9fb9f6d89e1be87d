/**
 * One WeChat host's circuit, which opens only on evidence that WeChat as a whole is in
 * trouble, not one merchant. It keeps the outcomes of the last `window` logical calls (a
 * call and its retries are one outcome), each with the authorizer it was made for, and
 * opens when all of these hold:
 *
 * - at least `minFailures` of them failed for WeChat's own reasons;
 * - at least `minAuthorizers` distinct authorizers' latest outcome is such a failure;
 * - those failing authorizers are at least `failurePercent` % of the distinct authorizers
 *   in the window.
 *
 * A few broken authorizers among many healthy ones never open it, whatever share of the
 * calls they make (the result cache makes healthy authorizers call rarely). Open, it
 * refuses calls for `resetMs`, then lets one probe through at a time: success closes it.
 * A failed probe is judged like the failures that opened it, by distinct authorizers: until
 * `minAuthorizers` different authorizers' probes have failed, the circuit goes back to open
 * with its wait already over (the next call from another authorizer may probe at once, one
 * whose probe failed may not probe again), so one broken merchant cannot keep it open.
 */
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';

export interface HostCircuitRule {
  /** Logical calls remembered. */
  readonly window: number;
  readonly minFailures: number;
  readonly minAuthorizers: number;
  readonly failurePercent: number;
}

export interface HostCircuitOptions extends HostCircuitRule {
  readonly host: string;
  readonly resetMs: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Called as the circuit opens, with the epoch ms of the oldest outcome that was evidence. */
  readonly onOpen: (evidenceSince: number) => void;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/** Whether a call may go to this host now: as usual, as the one probe of an open circuit, or not at all. */
export type Admission = 'call' | 'probe' | 'refuse';

interface Outcome {
  readonly authorizer: string;
  readonly failed: boolean;
  readonly at: number;
}

const STATE_GAUGE: Readonly<Record<CircuitState, number>> = { closed: 0, 'half-open': 1, open: 2 };

export class HostCircuit {
  private outcomes: Outcome[] = [];
  private current: CircuitState = 'closed';
  private openedAt = 0;
  /** The authorizers whose probes failed since the circuit opened. */
  private readonly failedProbers = new Set<string>();

  constructor(private readonly options: HostCircuitOptions) {
    this.setState('closed');
  }

  get host(): string {
    return this.options.host;
  }

  get state(): CircuitState {
    return this.current;
  }

  /** Until the next probe may go (0 when closed or due). */
  get retryAfterMs(): number {
    return this.current === 'closed' ? 0 : Math.max(0, this.openedAt + this.options.resetMs - Date.now());
  }

  /** Whether admit(authorizer) would let a call or a probe through now (without deciding anything). */
  accepts(authorizer: string): boolean {
    if (this.current === 'closed') return true;
    return this.current === 'open' && Date.now() >= this.openedAt + this.options.resetMs && !this.failedProbers.has(authorizer);
  }

  /** For a call made for `authorizer` (or, for the platform's own calls, its endpoint). */
  admit(authorizer: string): Admission {
    if (this.current === 'closed') return 'call';
    if (this.accepts(authorizer)) {
      this.setState('half-open');
      this.options.logger.info({ host: this.host }, 'WeChat circuit half-open; probing');
      return 'probe';
    }
    return 'refuse';
  }

  /**
   * The outcome of `authorizer`'s probe: WeChat answered (close), or it is still in trouble
   * for this authorizer (open again, with a fresh wait once enough distinct authorizers agree).
   */
  settleProbe(authorizer: string, failed: boolean): void {
    if (this.current !== 'half-open') return;
    if (failed) {
      this.failedProbers.add(authorizer);
      if (this.failedProbers.size >= this.options.minAuthorizers) return this.open('WeChat circuit probes failed for many authorizers; failing fast again');
      this.setState('open');
      this.options.logger.info({ host: this.host, failedProbes: this.failedProbers.size }, "WeChat circuit probe failed; another authorizer's call may probe");
      return;
    }
    this.outcomes = [];
    this.failedProbers.clear();
    this.setState('closed');
    this.options.logger.info({ host: this.host }, 'WeChat circuit closed; calls flow again');
  }

  /**
   * The probe never reached WeChat (its deadline passed, the queue was full…): it says
   * nothing, so the circuit stays open as it was and the next call may probe at once.
   */
  abandonProbe(): void {
    if (this.current === 'half-open') this.setState('open');
  }

  /** A logical call's outcome, while closed; a failure may open the circuit. */
  record(authorizer: string, failed: boolean): void {
    if (this.current !== 'closed') return;
    this.outcomes.push({ authorizer, failed, at: Date.now() });
    if (this.outcomes.length > this.options.window) this.outcomes.shift();
    if (failed && this.wechatWideTrouble()) {
      const evidenceSince = this.outcomes[0]!.at;
      this.open('WeChat circuit opened: calls for many authorizers failed; failing fast');
      this.options.onOpen(evidenceSince);
    }
  }

  private wechatWideTrouble(): boolean {
    const { minFailures, minAuthorizers, failurePercent } = this.options;
    let failures = 0;
    const latest = new Map<string, boolean>();
    for (const outcome of this.outcomes) {
      if (outcome.failed) failures += 1;
      latest.set(outcome.authorizer, outcome.failed);
    }
    if (failures < minFailures) return false;
    let failing = 0;
    for (const failed of latest.values()) if (failed) failing += 1;
    return failing >= minAuthorizers && failing * 100 >= failurePercent * latest.size;
  }

  private open(message: string): void {
    this.outcomes = [];
    this.failedProbers.clear();
    this.openedAt = Date.now();
    this.setState('open');
    this.options.logger.warn({ host: this.host, resetMs: this.options.resetMs }, message);
  }

  private setState(state: CircuitState): void {
    this.current = state;
    this.options.metrics.circuitState.labels({ host: this.host }).set(STATE_GAUGE[state]);
  }
}
