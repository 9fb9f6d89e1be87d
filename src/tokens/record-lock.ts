/**
 * A lock one replica holds across all of them while it changes a record (a token mint, an
 * authorization's exchange, an api_get_authorizer_list pass). The lock lives only
 * `ttlMs` in the store, so a replica that dies frees it soon; while the holder is alive it
 * renews the lock every third of that, however long WeChat takes to answer. Before the
 * result is stored the holder proves it still holds the lock (the fence): a holder that
 * lost it meanwhile (paused past its TTL, or cut off from the store) stores nothing, so it
 * can never overwrite what the replica that took over stored.
 */
import { randomUUID } from 'node:crypto';
import type { TokenRecords } from './token-records.js';

/** The lock as its holder sees it. */
export interface HeldLock {
  /** True once a renewal found the lock no longer ours. */
  readonly lost: boolean;
  /** Renews the lock now; true if it is still ours, so what was produced under it may be stored. */
  fence(): Promise<boolean>;
}

export type Held<T> = { readonly held: true; readonly value: T } | { readonly held: false };

export class RecordLock {
  constructor(
    private readonly records: TokenRecords,
    /** How long the lock lives in the store without a renewal. */
    private readonly ttlMs: number,
  ) {}

  /** Runs `work` holding the lock on `guarded`, renewed while it runs; `{ held: false }` at once when another holder has it. */
  async tryHold<T>(guarded: string, work: (lock: HeldLock) => Promise<T>): Promise<Held<T>> {
    const { records, ttlMs } = this;
    const owner = randomUUID();
    if (!(await records.takeLock(guarded, owner, ttlMs))) return { held: false };
    const state = { lost: false };
    const renew = () => records.renewLock(guarded, owner, ttlMs);
    const heartbeat = setInterval(() => {
      // A store that does not answer just now says nothing either way: the fence decides.
      renew().then((ours) => {
        if (!ours) state.lost = true;
      }, () => undefined);
    }, Math.max(1, Math.floor(ttlMs / 3)));
    heartbeat.unref();
    const lock: HeldLock = {
      get lost() {
        return state.lost;
      },
      async fence() {
        if (state.lost) return false;
        // A store that does not answer cannot vouch for the lock: nothing is stored, but the lock is not given up for lost.
        const ours = await renew().catch(() => undefined);
        if (ours === false) state.lost = true;
        return ours === true;
      },
    };
    try {
      return { held: true, value: await work(lock) };
    } finally {
      clearInterval(heartbeat);
      // Compare-and-delete: a lock another holder took meanwhile is left alone.
      await this.release(guarded, owner);
    }
  }

  /**
   * Releases our lock; if the store is unreachable just now, keeps trying in the background
   * until the lock would have expired anyway, so an outage mid-change cannot leave every
   * replica waiting on a holder that is done (a persisted lock survives a Redis restart).
   */
  private async release(guarded: string, owner: string): Promise<void> {
    const { records } = this;
    if (await records.releaseLock(guarded, owner).then(() => true, () => false)) return;
    const giveUpAt = Date.now() + this.ttlMs;
    const retry = setInterval(() => {
      if (Date.now() > giveUpAt) return clearInterval(retry);
      records.releaseLock(guarded, owner).then(() => clearInterval(retry), () => undefined);
    }, 250);
    retry.unref();
  }
}
