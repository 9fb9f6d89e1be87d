/**
 * How a lost store is noticed cheaply: a durable marker record written at start-up. A
 * Redis flushed, restarted without persistence, evicting keys or failed over to an empty
 * replica loses the marker with everything else, so a record found missing is checked
 * against the marker (one GET) before it is believed missing: the
 * registry answers a lost store as an outage being recovered, never as a merchant that
 * never authorized. Whoever restores what the store lost writes the marker again.
 */
import type { KeyValueStore } from './key-value-store.js';

export class StoreMarker {
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
  ) {}

  /** At start-up: writes the marker unless it is there; returns whether it was (false: an empty store, new or lost). */
  async ensure(): Promise<boolean> {
    const written = await this.write();
    return !written;
  }

  /** Whether the store still holds the marker; when it does not, every listener is told (each time it is found missing). */
  async intact(): Promise<boolean> {
    if ((await this.store.get(this.key)) !== undefined) return true;
    for (const listener of this.listeners) listener();
    return false;
  }

  /** What the store lost has been restored: the marker goes back (set-if-absent: any replica may do it). */
  async restore(): Promise<void> {
    await this.write();
  }

  /** `listener` runs whenever the marker is found missing; it should single-flight its own work. */
  onLost(listener: () => void): void {
    this.listeners.push(listener);
  }

  private write(): Promise<boolean> {
    return this.store.set(this.key, new Date().toISOString(), { onlyIfAbsent: true });
  }
}
