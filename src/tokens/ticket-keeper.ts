/**
 * Keeps a usable component_verify_ticket in the store. There is no API to pull one: WeChat
 * pushes it every 10 minutes, and api_start_push_ticket asks it to resume. So when no
 * usable ticket is stored (a new or lost store, pushes that stopped, a ticket WeChat
 * refuses), one replica at a time (a lock in the store, living as long as the asker's
 * back-off) asks, then watches for a ticket that arrived after it asked, at whichever
 * replica's receiver WeChat pushed it; without one it asks again, the back-off doubling;
 * with one, the next trouble is asked about at once.
 * Every replica looks at the stored ticket every few seconds, which also sets
 * wechat_component_ticket_age_seconds (no sample while none is stored, or its age is unknown).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { RecoveryTimings } from '../config/index.js';
import type { Metrics } from '../observability/metrics.js';
import type { ComponentApi } from '../wechat/component-api.js';
import type { TicketWatcher } from './component-tokens.js';
import type { TokenRecords } from './token-records.js';

/** The longest an asker watches for the ticket its ask brings (WeChat pushes at once, then retries within seconds). */
const ARRIVAL_WAIT_MS = 10_000;
const ARRIVAL_POLL_MS = 100;

export interface TicketKeeperOptions {
  readonly records: TokenRecords;
  readonly componentApi: ComponentApi;
  readonly timings: RecoveryTimings;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export class TicketKeeper implements TicketWatcher {
  private backoffMs: number;
  private nextAskAt = 0;
  private asking: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private arrived: (() => void) | undefined;
  private closed = false;

  constructor(private readonly options: TicketKeeperOptions) {
    this.backoffMs = options.timings.ticketAskFirstMs;
  }

  /** Looks now (asking if need be), then every few seconds; resolves when the first look, and any ask it made, is done. */
  start(): Promise<void> {
    this.timer = setInterval(() => void this.check(), this.options.timings.checkEveryMs);
    this.timer.unref();
    return this.check();
  }

  /** Stops looking and asking; an ask waiting for its ticket stops waiting. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.arrived?.();
  }

  ticketMissing(): void {
    void this.askIfDue('no usable component_verify_ticket is stored');
  }

  /** The store lost its records, the ticket with them: what was asked before says nothing now, so ask at once. */
  storeLost(): void {
    this.backoffMs = this.options.timings.ticketAskFirstMs;
    this.nextAskAt = 0;
    void this.askIfDue('the token store lost its records');
  }

  ticketRefused(): void {
    void this.askIfDue('WeChat refused the stored component_verify_ticket');
  }

  /** A ticket was received (by this replica): an ask waiting for it is answered, the gauge restarts. */
  ticketArrived(): void {
    this.options.metrics.componentTicketAge.set(0);
    this.arrived?.();
  }

  private async check(): Promise<void> {
    const { records, timings, metrics } = this.options;
    const stored = await records.ticket().catch(() => null);
    if (stored === null) return; // the store is away: nothing to learn, nothing to ask for yet
    const ageMs = stored?.receivedAt === undefined ? undefined : Date.now() - stored.receivedAt;
    if (ageMs === undefined) metrics.componentTicketAge.remove();
    else metrics.componentTicketAge.set(Math.max(0, ageMs) / 1000);
    if (stored === undefined) return this.askIfDue('no component_verify_ticket is stored');
    if (ageMs !== undefined && ageMs > timings.ticketExpiresAfterMs) return this.askIfDue('the stored component_verify_ticket is older than 12 hours');
    if (ageMs !== undefined && ageMs > timings.ticketStaleAfterMs) return this.askIfDue(`no component_verify_ticket has arrived for ${Math.round(ageMs / 60_000)} minutes: WeChat's pushes stopped`);
  }

  private askIfDue(reason: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.asking) return this.asking;
    if (Date.now() < this.nextAskAt) return Promise.resolve();
    this.asking = this.ask(reason).finally(() => (this.asking = undefined));
    return this.asking;
  }

  private async ask(reason: string): Promise<void> {
    const { records, componentApi, logger, metrics } = this.options;
    const backoffMs = this.backoffMs;
    this.nextAskAt = Date.now() + backoffMs;
    // One asker per back-off across replicas: the lock lapses, unless a ticket arrived (then the next trouble is news).
    const owner = randomUUID();
    if (!(await records.takeLock(records.ticketKey, owner, backoffMs).catch(() => false))) return;
    const askedAt = Date.now();
    try {
      await componentApi.startPushTicket();
    } catch (error) {
      metrics.tokenRecoveries.inc({ record: 'ticket', outcome: 'failed' });
      this.grow();
      logger.warn({ reason, err: (error as Error).message, retryInMs: this.backoffMs }, 'asking WeChat to push the component_verify_ticket (api_start_push_ticket) failed; asking again later');
      return;
    }
    logger.info({ reason }, 'asked WeChat to push the component_verify_ticket again (api_start_push_ticket)');
    const waitMs = Math.min(backoffMs, ARRIVAL_WAIT_MS);
    if (await this.arrivesWithin(askedAt, waitMs)) {
      metrics.tokenRecoveries.inc({ record: 'ticket', outcome: 'recovered' });
      this.backoffMs = this.options.timings.ticketAskFirstMs;
      this.nextAskAt = 0;
      await records.releaseLock(records.ticketKey, owner).catch(() => false);
      logger.info({ afterMs: Date.now() - askedAt }, 'component_verify_ticket arrived after api_start_push_ticket');
      return;
    }
    if (this.closed) return;
    metrics.tokenRecoveries.inc({ record: 'ticket', outcome: 'failed' });
    this.grow();
    this.nextAskAt = askedAt + backoffMs;
    logger.warn(
      { waitedMs: waitMs, retryInMs: Math.max(0, this.nextAskAt - Date.now()) },
      'no component_verify_ticket arrived after api_start_push_ticket; check that WeChat can reach the event receiver (POST /wechat/component/events); asking again',
    );
  }

  /** Whether a ticket received after `askedAt` is stored within `waitMs`: told by this replica's receiver, or read from the store. */
  private async arrivesWithin(askedAt: number, waitMs: number): Promise<boolean> {
    const until = askedAt + waitMs;
    const told = new Promise<void>((resolve) => (this.arrived = resolve));
    try {
      while (Date.now() < until && !this.closed) {
        const stored = await this.options.records.ticket().catch(() => undefined);
        if (stored?.receivedAt !== undefined && stored.receivedAt >= askedAt) return true;
        await Promise.race([told, sleep(Math.min(ARRIVAL_POLL_MS, Math.max(1, until - Date.now())))]);
      }
      return false;
    } finally {
      this.arrived = undefined;
    }
  }

  private grow(): void {
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.timings.ticketAskMaxMs);
  }
}
