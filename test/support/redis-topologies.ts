/**
 * The Redis topologies companies run, started for a test from the machine's redis-server:
 * a Sentinel group (one master, one replica, three sentinels) and a Cluster of three
 * masters, each node on spare ports in its own temporary folder, keeping an append-only
 * file. stop() stops every process it started, by pid; so does the test process's exit,
 * should it come first (redis-server.ts).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { PrivateRedisServer, freePort } from './redis-server.js';

export const SENTINEL_MASTER = 'cloudenv';

export interface StartedTopology {
  /** The subgraph's variables that point at it. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export interface SentinelGroup extends StartedTopology {
  readonly master: PrivateRedisServer;
  readonly replica: PrivateRedisServer;
  readonly sentinels: readonly PrivateRedisServer[];
  /** The port of the master the sentinels name now. */
  masterPort(): Promise<number>;
}

export interface RedisCluster extends StartedTopology {
  readonly nodes: readonly PrivateRedisServer[];
}

/** Runs `check` every 50 ms until it holds, or fails saying `what` did not happen. */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Sends one command to the server at `port` on a connection of its own. */
async function ask(port: number, ...command: [string, ...Array<string | number>]): Promise<unknown> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await redis.call(...command);
  } finally {
    redis.disconnect();
  }
}

/**
 * Starts servers in parallel; if any fails, stops those that started and the folder goes.
 * They stop in the reverse order (sentinels before the servers they watch, so none fails
 * over on the way; a replica before its master, which would otherwise wait for it).
 */
async function startAll(servers: readonly PrivateRedisServer[], directory: string): Promise<() => Promise<void>> {
  const stop = async () => {
    for (const server of [...servers].reverse()) await server.stop();
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await Promise.all(servers.map((server) => server.start()));
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}

export interface SentinelGroupOptions {
  /** How long the master may not answer before the sentinels fail over; default 5 s (a busy machine is no failure). */
  readonly downAfterMs?: number;
}

/**
 * A master and its replica watched by three sentinels (quorum 2), which fail over once the
 * master has not answered for `downAfterMs`. Resolves once every sentinel knows the replica
 * and the other sentinels, so a failover can be elected.
 */
export async function startSentinelGroup({ downAfterMs = 5_000 }: SentinelGroupOptions = {}): Promise<SentinelGroup> {
  const directory = await mkdtemp(join(tmpdir(), 'redis-sentinel-'));
  const folder = async (name: string) => {
    const path = join(directory, name);
    await mkdir(path);
    return path;
  };
  // No 5 s wait for more replicas before a full sync.
  const sync = ['--repl-diskless-sync-delay', '0'];
  const master = new PrivateRedisServer(await freePort(), await folder('master'), { args: sync });
  const replica = new PrivateRedisServer(await freePort(), await folder('replica'), { args: [...sync, '--replicaof', '127.0.0.1', String(master.port)] });
  // Each sentinel is told of the replica and the others up front (as it would write them into
  // its own file), rather than finding them over the next ten seconds.
  const members = await Promise.all([1, 2, 3].map(async (index) => ({ index, port: await freePort(), id: randomBytes(20).toString('hex') })));
  const sentinels: PrivateRedisServer[] = [];
  for (const { index, port, id } of members) {
    const home = await folder(`sentinel-${index}`);
    const config = join(home, 'sentinel.conf');
    await writeFile(
      config,
      [
        `sentinel myid ${id}`,
        `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${master.port} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER} ${downAfterMs}`,
        `sentinel failover-timeout ${SENTINEL_MASTER} 10000`,
        `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
        `sentinel known-replica ${SENTINEL_MASTER} 127.0.0.1 ${replica.port}`,
        ...members.filter((other) => other.index !== index).map((other) => `sentinel known-sentinel ${SENTINEL_MASTER} 127.0.0.1 ${other.port} ${other.id}`),
        '',
      ].join('\n'),
    );
    sentinels.push(new PrivateRedisServer(port, home, { sentinelConfig: config }));
  }
  const stop = await startAll([master, replica, ...sentinels], directory);
  try {
    // Synced and acknowledging: the first WAIT after a full sync can take a second.
    await waitFor(async () => (await ask(master.port, 'SET', 'replica-check', '1')) === 'OK' && (await ask(master.port, 'WAIT', 1, 200)) === 1, 'the replica did not acknowledge a write');
    for (const sentinel of sentinels) {
      await waitFor(async () => ((await ask(sentinel.port, 'SENTINEL', 'REPLICAS', SENTINEL_MASTER)) as unknown[]).length === 1, `sentinel ${sentinel.port} did not find the replica`);
      await waitFor(async () => ((await ask(sentinel.port, 'SENTINEL', 'SENTINELS', SENTINEL_MASTER)) as unknown[]).length === 2, `sentinel ${sentinel.port} did not find the other sentinels`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    master,
    replica,
    sentinels,
    env: { REDIS_SENTINELS: sentinels.map((sentinel) => `127.0.0.1:${sentinel.port}`).join(','), REDIS_SENTINEL_NAME: SENTINEL_MASTER },
    async masterPort() {
      const [, port] = (await ask(sentinels[0]!.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER)) as [string, string];
      return Number(port);
    },
    stop,
  };
}

/** Whether nothing listens on the loopback port: it can be bound. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port whose cluster bus port (the port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await isFree(port + 10_000))) return port;
  }
}

/**
 * Three masters sharing the 16384 slots, no replicas; resolves once every node says the
 * cluster is ok. A node is declared failing only after 10 s: a busy machine is no failure.
 */
export async function startCluster(): Promise<RedisCluster> {
  const directory = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
  const nodes: PrivateRedisServer[] = [];
  for (const index of [1, 2, 3]) {
    const home = join(directory, `node-${index}`);
    await mkdir(home);
    const port = await freeClusterPort();
    nodes.push(new PrivateRedisServer(port, home, { args: ['--cluster-enabled', 'yes', '--cluster-config-file', join(home, `nodes-${port}.conf`), '--cluster-node-timeout', '10000'] }));
  }
  const stop = await startAll(nodes, directory);
  try {
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    for (const node of nodes) {
      await waitFor(async () => String(await ask(node.port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'), `node ${node.port} did not see the cluster ok`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, env: { REDIS_CLUSTER_NODES: nodes.map((node) => `127.0.0.1:${node.port}`).join(',') }, stop };
}
