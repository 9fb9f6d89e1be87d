/**
 * What a soak run is asked to do: the options, each validated up front with a message that
 * says what a valid value looks like, and the defaults filled in.
 */
import type { Logger } from 'pino';

export interface SoakOptions {
  readonly operations: number;
  readonly concurrency: number;
  /** Share of getenvinfo calls faulted at random, 0 to 1. */
  readonly faultFraction: number;
  /** Authorized merchants (one unauthorized merchant is added per eight). */
  readonly merchants: number;
  readonly authorizers: number;
  /** Seeds both the operation mix and the faults; default 1. */
  readonly seed?: number;
  /** Unfaulted operations before RSS is first measured; default a quarter of `operations`, at most 300. */
  readonly warmupOperations?: number;
  /**
   * The subgraph's CLOUDENV_CACHE_TTL_MS. Default 0: no answer is reused across operations,
   * so every operation reaches WeChat and its faults (in-flight calls are still shared).
   * Pass the production default (3000) to soak the cache too.
   */
  readonly cacheTtlMs?: number;
  /**
   * The subgraph's CLOUDENV_STALE_IF_ERROR_MS; default the shipped one, so a fault meets the
   * last good answer where there is one. 0 shows what the faults cost without it.
   */
  readonly staleIfErrorMs?: number;
  /** The subgraph's logger; default silent. */
  readonly logger?: Logger;
}

export type SoakSettings = Required<Omit<SoakOptions, 'logger' | 'staleIfErrorMs'>> & { readonly staleIfErrorMs: number | undefined };

export function validSoakSettings(options: SoakOptions): SoakSettings {
  const { operations, concurrency, faultFraction, merchants, authorizers } = options;
  const settings: SoakSettings = {
    operations,
    concurrency,
    faultFraction,
    merchants,
    authorizers,
    seed: options.seed ?? 1,
    cacheTtlMs: options.cacheTtlMs ?? 0,
    staleIfErrorMs: options.staleIfErrorMs,
    warmupOperations: options.warmupOperations ?? Math.min(300, Math.ceil(operations / 4)),
  };
  const whole = (name: keyof SoakSettings, min: number) => {
    const value = settings[name];
    if (value === undefined || !Number.isInteger(value) || value < min) throw new RangeError(`runSoak: ${name} must be a whole number of at least ${min} (got ${value})`);
  };
  whole('operations', 1);
  whole('concurrency', 1);
  whole('merchants', 1);
  whole('authorizers', 1);
  whole('warmupOperations', 0);
  whole('cacheTtlMs', 0);
  if (settings.staleIfErrorMs !== undefined) whole('staleIfErrorMs', 0);
  if (!Number.isInteger(settings.seed)) throw new RangeError(`runSoak: seed must be an integer (got ${settings.seed})`);
  if (settings.authorizers > settings.merchants) {
    throw new RangeError(`runSoak: ${settings.authorizers} authorizers need at least as many merchants (got ${settings.merchants}); each authorizer serves one or more merchants`);
  }
  if (!(settings.faultFraction >= 0 && settings.faultFraction <= 1)) {
    throw new RangeError(`runSoak: faultFraction must be from 0 to 1 (got ${settings.faultFraction}); 0.2 faults one getenvinfo call in five`);
  }
  return settings;
}

