/**
 * The bulkhead: each authorizer may hold at most `perAuthorizer` of the pool's slots at
 * once, so one that hangs cannot starve the others. Its calls beyond the cap wait in its
 * own line, outside the pool, until one of its own calls ends. (A counter per authorizer
 * rather than a p-limit each: a line is dropped the moment it is idle, so the map holds
 * the authorizers with calls in flight, not every authorizer ever seen.)
 */

interface Lane {
  active: number;
  readonly waiting: Array<() => void>;
}

export class AuthorizerBulkhead {
  private readonly lanes = new Map<string, Lane>();
  private waitingInAll = 0;

  constructor(private readonly perAuthorizer: number) {}

  /** This authorizer's calls waiting beyond its cap. */
  waiting(authorizer: string): number {
    return this.lanes.get(authorizer)?.waiting.length ?? 0;
  }

  /** Calls waiting beyond their authorizer's cap, in all. */
  get totalWaiting(): number {
    return this.waitingInAll;
  }

  run<T>(authorizer: string, task: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(authorizer);
    if (!lane) {
      lane = { active: 0, waiting: [] };
      this.lanes.set(authorizer, lane);
    }
    if (lane.active < this.perAuthorizer) {
      lane.active += 1;
      return this.runIn(authorizer, lane, task);
    }
    const own = lane;
    this.waitingInAll += 1;
    // The slot is handed over by the call that ends: `active` stays counted across the hand-over.
    return new Promise<void>((resolve) => own.waiting.push(resolve)).then(() => {
      this.waitingInAll -= 1;
      return this.runIn(authorizer, own, task);
    });
  }

  private async runIn<T>(authorizer: string, lane: Lane, task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } finally {
      const next = lane.waiting.shift();
      if (next) next();
      else if (--lane.active === 0) this.lanes.delete(authorizer);
    }
  }
}
