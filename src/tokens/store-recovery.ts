/**
 * What happens when the store loses its records (a flush, a restart without persistence,
 * an eviction, a failover to an empty replica), noticed by the store's marker either when
 * a lookup finds a merchant missing or on each replica's periodic look: the registry is
 * seeded again from AUTHORIZERS_FILE, the ticket keeper asks WeChat to push the ticket,
 * and the refresh tokens come back from api_get_authorizer_list as the first mints need
 * them; then the marker is written again. Each replica that notices does this (every step
 * is set-if-absent, so doing it twice changes nothing); one at a time in a replica.
 */
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { StoreMarker } from '../store/store-marker.js';

export interface StoreRecoveryOptions {
  readonly marker: StoreMarker;
  /** Seeds the registry again from AUTHORIZERS_FILE (and logs what it did not apply). */
  readonly reseed: () => Promise<void>;
  /** Told the store is empty: the ticket keeper and the refresh-token recovery. */
  readonly onLost: ReadonlyArray<() => void>;
  readonly checkEveryMs: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export class StoreRecovery {
  private recovering: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: StoreRecoveryOptions) {
    options.marker.onLost(() => void this.recover());
  }

  /** Looks at the marker every few seconds from now on. */
  start(): void {
    this.timer = setInterval(() => void this.options.marker.intact().catch(() => undefined), this.options.checkEveryMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** One recovery at a time in this replica; resolves when the registry is seeded again and the marker back. */
  recover(): Promise<void> {
    this.recovering ??= this.run().finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  private async run(): Promise<void> {
    const { marker, reseed, onLost, logger, metrics } = this.options;
    logger.warn({}, 'the token store has lost its records (its marker is gone: a flush, an eviction, a restart without persistence or a failover to an empty replica); recovering them');
    for (const listener of onLost) listener();
    try {
      await reseed();
      await marker.restore();
    } catch (error) {
      metrics.tokenRecoveries.inc({ record: 'registry', outcome: 'failed' });
      logger.error({ err: (error as Error).message }, 'seeding the registry again from AUTHORIZERS_FILE failed; trying again at the next look');
      return;
    }
    metrics.tokenRecoveries.inc({ record: 'registry', outcome: 'recovered' });
    logger.info({}, 'the registry is seeded again from AUTHORIZERS_FILE; the ticket and refresh tokens are being asked back from WeChat');
  }
}
