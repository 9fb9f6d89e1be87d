/**
 * The ioredis client for a topology, with the store's fail-fast behaviour on all three: no
 * offline queue and no retries per command (a field fails with TOKEN_STORE_UNAVAILABLE
 * instead of hanging), a command timeout, and reconnection in the background. A Sentinel
 * group is asked for its master and followed through a failover; a Cluster sends each key to
 * its slot's master. Where a client is is told without its password.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisTopology } from '../config/index.js';

export type RedisClient = Redis | Cluster;

/** One master: the node's connection, and its address as the Cluster's slot table names it. */
export interface RedisMaster {
  readonly address: string;
  readonly redis: Redis;
}

const CONNECT_TIMEOUT_MS = 2_000;
const reconnectDelay = (attempt: number) => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000);

export function createRedisClient(topology: RedisTopology, commandTimeoutMs: number): RedisClient {
  const failFast = { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: commandTimeoutMs, connectTimeout: CONNECT_TIMEOUT_MS } satisfies RedisOptions;
  if (topology.kind === 'node') return new Redis(topology.url, { lazyConnect: true, retryStrategy: reconnectDelay, ...failFast });
  const { username, password, tls } = topology;
  const credentials = { ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) };
  if (topology.kind === 'sentinel') {
    // At start-up, sentinels that all fail to answer stop it; once connected, they are retried.
    let connected = false;
    const client: Redis = new Redis({
      lazyConnect: true,
      retryStrategy: reconnectDelay,
      ...failFast,
      ...credentials,
      sentinels: topology.sentinels.map(({ host, port }) => ({ host, port })),
      name: topology.name,
      ...(topology.sentinelPassword === undefined ? {} : { sentinelPassword: topology.sentinelPassword }),
      sentinelCommandTimeout: commandTimeoutMs,
      sentinelRetryStrategy: (attempt) => (connected ? reconnectDelay(attempt) : null),
      // Told of a failover by the sentinels themselves, rather than only when the old master's connection drops.
      failoverDetector: true,
      // A master demoted while we were connected answers READONLY: ask the sentinels again.
      reconnectOnError: (error) => error.message.startsWith('READONLY'),
      ...(tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    });
    client.once('ready', () => (connected = true));
    return client;
  }
  return new Cluster(
    topology.nodes.map(({ host, port }) => ({ host, port })),
    {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: reconnectDelay,
      // A command to a node that just went away is retried a few times while the slots move, not 16.
      maxRedirections: 6,
      redisOptions: { ...failFast, ...credentials, ...(tls ? { tls: {} } : {}) },
      // With TLS, certificates name hosts: keep the names rather than resolving them to addresses first.
      ...(tls ? { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) } : {}),
    },
  );
}

/**
 * Connects, or rejects with the last error within a deadline (a Sentinel group or Cluster
 * otherwise keeps retrying unseen). Ready counts however it comes: a Cluster whose first
 * ready check fails reconnects by itself and never settles its connect() promise.
 */
export async function connectRedisClient(client: RedisClient, deadlineMs = 3 * CONNECT_TIMEOUT_MS): Promise<void> {
  let lastError: Error | undefined;
  const remember = (error: Error) => void (lastError = error);
  client.on('error', remember);
  let timer: NodeJS.Timeout | undefined;
  let ready: (() => void) | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise<void>((resolve) => client.once('ready', (ready = resolve))),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(lastError?.message ?? `not ready within ${deadlineMs} ms (${client.status})`)), deadlineMs);
      }),
    ]);
  } catch (error) {
    client.disconnect();
    throw error;
  } finally {
    clearTimeout(timer);
    client.off('error', remember);
    if (ready) client.off('ready', ready);
  }
}

/** The masters the store writes to: every master of a Cluster, else the one connection. */
export function mastersOf(client: RedisClient): RedisMaster[] {
  if (client instanceof Cluster) return client.nodes('master').map((redis) => ({ address: `${redis.options.host}:${redis.options.port}`, redis }));
  return [{ address: '', redis: client }];
}

/** Where the client connects, for logs and messages; never a password. */
export function describeTopology(topology: RedisTopology): string {
  const list = (addresses: ReadonlyArray<{ host: string; port: number }>) => addresses.map(({ host, port }) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`)).join(',');
  if (topology.kind === 'node') return redactUrl(topology.url);
  if (topology.kind === 'sentinel') return `Sentinel master "${topology.name}" via ${list(topology.sentinels)}`;
  return `Cluster via ${list(topology.nodes)}`;
}

/** redis://user:secret@host:6379/0 → redis://host:6379/0 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '[unparseable Redis URL]';
  }
}
