/**
 * Where the store's Redis is, told without a password, and a start-up that cannot reach it
 * stopping at once with that, for a Sentinel group and a Cluster as for a single node.
 */
import { describe, expect, it } from 'vitest';
import { loadRegistryToolConfig } from '../../src/config/index.js';
import { describeTopology } from '../../src/store/redis-client.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { captureLogs } from '../support/log-capture.js';
import { freePort } from '../support/redis-server.js';

const PASSWORDS = { REDIS_PASSWORD: 'hunter2-data-nodes', REDIS_SENTINEL_PASSWORD: 'hunter2-sentinels' };

describe('describeTopology', () => {
  it('names a node by its URL without credentials, a Sentinel group by its master and sentinels, a Cluster by its nodes', () => {
    expect(describeTopology({ kind: 'node', url: 'rediss://subgraph:hunter2@redis.internal:6380/2' })).toBe('rediss://redis.internal:6380/2');
    const sentinel = loadRegistryToolConfig({ REDIS_SENTINELS: 's1:26379,[fd00::1]:26379', REDIS_SENTINEL_NAME: 'cloudenv', ...PASSWORDS }).store.redis!;
    expect(describeTopology(sentinel)).toBe('Sentinel master "cloudenv" via s1:26379,[fd00::1]:26379');
    expect(describeTopology(loadRegistryToolConfig({ REDIS_CLUSTER_NODES: 'r1:6379,r2:6379', REDIS_PASSWORD: PASSWORDS.REDIS_PASSWORD }).store.redis!)).toBe('Cluster via r1:6379,r2:6379');
  });
});

describe('connecting to a Redis nobody answers for', () => {
  it.each([
    ['a Sentinel group', async () => ({ REDIS_SENTINELS: `127.0.0.1:${await freePort()},127.0.0.1:${await freePort()}`, REDIS_SENTINEL_NAME: 'cloudenv', ...PASSWORDS }), /^The token store is unavailable: cannot connect to Redis at Sentinel master "cloudenv" via 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+ \(All sentinels are unreachable/],
    ['a Cluster', async () => ({ REDIS_CLUSTER_NODES: `127.0.0.1:${await freePort()}`, REDIS_PASSWORD: PASSWORDS.REDIS_PASSWORD }), /^The token store is unavailable: cannot connect to Redis at Cluster via 127\.0\.0\.1:\d+ \(/],
  ])('fails at once for %s, naming it without a password', async (_name, env, message) => {
    const logs = captureLogs();
    const failure = await RedisStore.connect({ topology: loadRegistryToolConfig(await env()).store.redis!, logger: logs.logger }).then(
      async (store) => {
        await store.close();
        throw new Error('connected to nothing');
      },
      (error: Error) => error,
    );
    expect(failure.message).toMatch(message);
    for (const password of Object.values(PASSWORDS)) expect(`${failure.message}${logs.lines.join('')}`).not.toContain(password);
  });
});
