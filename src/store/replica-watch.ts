/**
 * Which masters have a replica online, so that a durable write waits for a replica's
 * acknowledgement (WAIT) exactly where one can come: a master without replicas would make
 * every such write wait out the whole timeout. Learned from INFO replication when the client
 * becomes ready (after every reconnect, so after a Sentinel failover too), when a Cluster's
 * nodes change, every few seconds, and at once after a write no replica acknowledged;
 * never per write.
 */
import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import { type RedisClient, mastersOf } from './redis-client.js';

/** Replicas INFO replication lists as online (`slaveN:ip=…,state=online,…`); one still syncing acknowledges nothing yet. */
export function onlineReplicas(info: string): number {
  if (!/^role:master\r?$/m.test(info)) return 0;
  return [...info.matchAll(/^slave\d+:.*\bstate=online\b/gm)].length;
}

export class ReplicaWatch {
  /** Master address ('' for a single node or a Sentinel group's master) → replicas online. */
  private replicas = new Map<string, number>();
  private refreshing: Promise<void> | undefined;
  /** A refresh asked for while one ran: that one may have asked a master that is gone. */
  private again: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly client: RedisClient,
    intervalMs: number,
  ) {
    client.on('ready', () => void this.refresh());
    if (client instanceof Cluster) for (const event of ['+node', '-node']) client.on(event, () => void this.refresh());
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
  }

  /** How many replicas the master holding `key` has online; 0 means a write there cannot wait for one. */
  async replicasFor(key: string): Promise<number> {
    await (this.again ?? this.refreshing);
    return this.replicas.get(this.masterOf(key)) ?? 0;
  }

  /** Asks every master again; a master that does not answer keeps what was known of it. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again ??= this.refreshing.then(() => {
        this.again = undefined;
        return this.refresh();
      });
      return this.again;
    }
    this.refreshing = (async () => {
      const next = new Map(this.replicas);
      await Promise.all(
        mastersOf(this.client).map(async ({ address, redis }) => {
          const info = await redis.info('replication').catch(() => undefined);
          if (info !== undefined) next.set(address, onlineReplicas(info));
        }),
      );
      this.replicas = next;
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private masterOf(key: string): string {
    return this.client instanceof Cluster ? (this.client.slots[calculateSlot(key)]?.[0] ?? '') : '';
  }
}
