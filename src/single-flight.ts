/**
 * Single-flight: while a fetch for a key is in flight, callers asking for the same key join
 * it instead of starting another. getEnvInfo calls (loaders) and token refreshes (tokens)
 * both go through it, so the bookkeeping is written once.
 */
export interface SingleFlightOptions<V> {
  /** A caller joined a flight already under way (for the single-flight metric). */
  readonly onJoin?: () => void;
  /** A flight succeeded; runs before any caller sees the value (e.g. to cache it). */
  readonly onLanded?: (key: string, value: V) => void;
}

export class SingleFlight<V> {
  private readonly inflight = new Map<string, Promise<V>>();

  constructor(private readonly options: SingleFlightOptions<V> = {}) {}

  /** Joins the flight for `key`, or starts one with `fetch`. Callers get the fetch's own promise. */
  run(key: string, fetch: () => Promise<V>): Promise<V> {
    const joined = this.inflight.get(key);
    if (joined) {
      this.options.onJoin?.();
      return joined;
    }
    const flight = fetch();
    this.inflight.set(key, flight);
    // Added before any caller's: this reaction runs first, so the flight is over (and onLanded
    // done) by the time a caller sees the answer.
    flight.then(
      (value) => {
        this.inflight.delete(key);
        this.options.onLanded?.(key, value);
      },
      () => this.inflight.delete(key),
    );
    return flight;
  }

  /** How many flights are under way. */
  get size(): number {
    return this.inflight.size;
  }
}
