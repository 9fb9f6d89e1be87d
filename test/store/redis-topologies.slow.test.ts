/**
 * The subgraph on the Redis topologies companies run, started from the machine's
 * redis-server: a Sentinel group (master, replica, three sentinels) and a Cluster of three
 * masters. On each, two replicas of the subgraph share the store, in production mode (the
 * durability check passes: every node keeps an append-only file): the token flow (one
 * mint, reused, one refresh when WeChat revokes the token), the refresh lock (one mint per
 * authorizer for concurrent cold operations across both), the shared result cache and the
 * shared back-off work; the platform's tokens are read from it; and on the Cluster no
 * command of the store crosses slots, and start-up checks the settings of every master.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import calculateSlot from 'cluster-key-slot';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningSubgraph, startSubgraph } from '../../src/app.js';
import { loadConfig, loadRegistryToolConfig } from '../../src/config/index.js';
import { WechatSimulator } from '../../src/simulator/index.js';
import { type DurabilityError, checkDurability } from '../../src/store/durability-check.js';
import type { KeyValueStore } from '../../src/store/key-value-store.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { StoreKeys } from '../../src/store/store-keys.js';
import { type TemporaryAuthorizersFile, simulatedWechatEnv, writeTemporaryAuthorizersFile } from '../../tools/simulated-wechat-env.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { captureLogs } from '../support/log-capture.js';
import { TEST_COMPONENT, appIdOf, environment, testMerchants, tokenEndpointCalls, tokenFor, type TestMerchant } from '../support/merchants.js';
import { platformAppId, startPlatformStack, stopPlatformStacks } from '../support/platform.js';
import { describeWithRedisServer } from '../support/redis-server.js';
import { type RedisCluster, type SentinelGroup, type StartedTopology, startCluster, startSentinelGroup } from '../support/redis-topologies.js';
import { registerSecrets } from '../support/suite-capture.js';

const GET_ENV_INFO = '/tcb/getenvinfo';
const CACHE_TTL_MS = 1_000;
const MERCHANTS = Array.from({ length: 10 }, (_, index): TestMerchant => ({ merchantId: `m_${index}`, authorizer: `a${index}` }));
const world = testMerchants(MERCHANTS, 'refresh');
// One merchant with a fixed token, for the back-off: its token is known, so WeChat can be made to fail for it alone.
const BUSY_APP_ID = 'wx00000000000000bb';
const authorizers = [...world.authorizers, { appId: BUSY_APP_ID, accessToken: tokenFor('busy'), environments: [environment('busy-env')] }];
const entries = [...world.entries, { merchantId: 'm_busy', authorizerAppId: BUSY_APP_ID, authorizerAccessToken: tokenFor('busy') }];

const TOPOLOGIES: ReadonlyArray<readonly [string, () => Promise<StartedTopology>]> = [
  ['a Sentinel group', () => startSentinelGroup()],
  ['a Cluster', startCluster],
];

describeWithRedisServer.each(TOPOLOGIES)('on %s', (name, start) => {
  let topology: StartedTopology;
  let simulator: WechatSimulator;
  let file: TemporaryAuthorizersFile;
  let replicas: RunningSubgraph[] = [];

  beforeAll(async () => {
    topology = await start();
    simulator = new WechatSimulator({ authorizers, component: TEST_COMPONENT });
    file = await writeTemporaryAuthorizersFile(entries);
    registerSecrets(TEST_COMPONENT.appSecret, tokenFor('busy'), ...world.entries.map((entry) => entry.authorizerRefreshToken));
    const config = loadConfig({
      NODE_ENV: 'production',
      ALLOW_OPEN_ACCESS: 'true',
      PORT: '0',
      HOST: '127.0.0.1',
      ...simulatedWechatEnv(await simulator.start(), file.path, TEST_COMPONENT),
      ...topology.env,
      CLOUDENV_CACHE_TTL_MS: String(CACHE_TTL_MS),
      // Past the TTL the next operation asks WeChat itself, and each failure is its own code.
      CLOUDENV_STALE_WHILE_REVALIDATE_MS: '0',
      CLOUDENV_STALE_IF_ERROR_MS: '0',
      WECHAT_AUTHORIZER_BACKOFF_BASE_MS: '20000',
      WECHAT_AUTHORIZER_BACKOFF_MAX_MS: '20000',
      REQUEST_DEADLINE_MS: '30000',
    });
    expect(config.store.durabilityCheck).toBe('fail');
    replicas = await Promise.all([startSubgraph(config, captureLogs('info').logger), startSubgraph(config, captureLogs('info').logger)]);
  });

  afterAll(async () => {
    await stopPlatformStacks();
    await Promise.all(replicas.map((replica) => replica.close()));
    await simulator?.stop();
    registerSecrets(...(simulator?.calls.map((call) => call.accessToken) ?? []));
    await file?.remove();
    await topology?.stop();
  });

  const query = (replica: number, ...merchantIds: string[]) => postGraphQL(replicas[replica]!.url, ENTITIES_QUERY, { representations: merchantRepresentations(...merchantIds) });
  const mintsOf = (merchantId: string) => tokenEndpointCalls(simulator).byAuthorizer.get(appIdOf(entries, merchantId)) ?? 0;
  const getEnvInfoCalls = () => simulator.callCount(GET_ENV_INFO);
  const busyCalls = () => simulator.calls.filter((call) => call.accessToken === tokenFor('busy')).length;

  it('mints a token once, reuses it on the other replica, and refreshes it once when WeChat revokes it', async () => {
    const calls = getEnvInfoCalls();
    expect((await query(0, 'm_0')).body.errors).toBeUndefined();
    expect(mintsOf('m_0')).toBe(1);
    await sleep(CACHE_TTL_MS + 100); // past the cached answer, so the token is used again
    expect((await query(1, 'm_0')).body.errors).toBeUndefined();
    expect(mintsOf('m_0')).toBe(1);
    expect(getEnvInfoCalls()).toBe(calls + 2);

    simulator.revokeAuthorizerTokens(appIdOf(entries, 'm_0'));
    await sleep(CACHE_TTL_MS + 100);
    const { body } = await query(1, 'm_0');
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0].cloudEnvironments).toEqual([expect.objectContaining({ env: 'a0-env' })]);
    expect(mintsOf('m_0')).toBe(2);
  });

  it('mints one token per authorizer for concurrent cold operations across both replicas (the refresh lock)', async () => {
    const cold = MERCHANTS.slice(1).map((merchant) => merchant.merchantId);
    const responses = await Promise.all(Array.from({ length: 90 }, (_, index) => query(index % 2, cold[index % cold.length]!)));
    expect(responses.flatMap((response) => response.body.errors ?? [])).toEqual([]);
    expect(cold.map(mintsOf)).toEqual(cold.map(() => 1));
    expect(tokenEndpointCalls(simulator).component).toBe(1);
  });

  it('shares the result cache: an answer one replica fetched serves the other', async () => {
    await sleep(CACHE_TTL_MS + 100);
    const before = getEnvInfoCalls();
    expect((await query(0, 'm_1')).body.errors).toBeUndefined();
    expect((await query(1, 'm_1')).body.errors).toBeUndefined();
    expect(getEnvInfoCalls()).toBe(before + 1);
  });

  it('shares the back-off: an authorizer one replica holds back, the other holds back too', async () => {
    simulator.injectFault(tokenFor('busy'), { kind: 'errcode', errcode: -1 });
    expect((await query(0, 'm_busy')).body.errors?.[0]?.extensions).toMatchObject({ code: 'WECHAT_BUSY' });
    const calls = busyCalls();
    await sleep(1_300); // one sync interval, and some
    const other = await query(1, 'm_busy', 'm_2');
    expect(other.body.errors).toHaveLength(1);
    expect(other.body.errors![0]!.message).toMatch(/held back/);
    expect(other.body.data._entities[1].cloudEnvironments).toHaveLength(1);
    expect(busyCalls()).toBe(calls);
  });

  it('serves the platform’s tokens from it with TOKEN_SOURCE=platform', async () => {
    const platformEnv = Object.fromEntries(Object.entries(topology.env).map(([variable, value]) => [`PLATFORM_${variable}`, value]));
    const { platform, query: platformQuery, subgraphMints } = await startPlatformStack({ ...platformEnv, PLATFORM_TOKEN_REDIS_KEY: 'platform:{authorizerAppId}' });
    const writer = await RedisStore.connect({ topology: loadRegistryToolConfig(topology.env).store.redis!, logger: captureLogs().logger });
    try {
      await writer.set(`platform:${platformAppId('m_0')}`, await platform.mint(platformAppId('m_0')), { ttlMs: 600_000 });
    } finally {
      await writer.close();
    }
    const body = await platformQuery('m_0');
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0].cloudEnvironments).toEqual([expect.objectContaining({ env: 'a0-env' })]);
    expect(subgraphMints()).toBe(0);
  });

  if (name === 'a Cluster') clusterSlotChecks(() => topology as RedisCluster);
  else it('ran against the group’s master', async () => expect(await (topology as SentinelGroup).masterPort()).toBe((topology as SentinelGroup).master.port));
});

/** Every store operation, on keys of every kind: the table must name each method of the store. */
const OPERATIONS: Record<keyof KeyValueStore, (store: KeyValueStore, key: string) => Promise<unknown>> = {
  get: (store, key) => store.get(key),
  getWithTtl: (store, key) => store.getWithTtl(key),
  set: async (store, key) => [await store.set(key, 'v', { ttlMs: 60_000 }), await store.set(key, 'v', { onlyIfAbsent: true }), await store.set(key, 'durable')],
  delete: (store, key) => store.delete(key),
  compareAndSet: async (store, key) => [await store.set(key, 'old'), await store.compareAndSet(key, 'old', 'new')],
  compareAndExpire: async (store, key) => [await store.set(key, 'owner', { ttlMs: 60_000 }), await store.compareAndExpire(key, 'owner', 30_000)],
  // Last of the string operations: it leaves the key gone, for the hash operations after it.
  compareAndDelete: async (store, key) => [await store.set(key, 'owner', { ttlMs: 60_000 }), await store.compareAndDelete(key, 'owner')],
  hashGet: (store, key) => store.hashGet(key, ['a', 'b']),
  hashSet: async (store, key) => [await store.hashSet(key, 'a', '1'), await store.hashSet(key, 'b', '2', { durable: false })],
  hashSetIfAbsent: (store, key) => store.hashSetIfAbsent(key, 'c', '3'),
  hashDelete: (store, key) => store.hashDelete(key, 'a'),
  hashGetAll: (store, key) => store.hashGetAll(key),
  ping: (store) => store.ping(),
  close: async () => undefined, // closed once, at the end
};

/** The keys the subgraph keeps (store-keys.ts), for many authorizers: they land on every master. */
function keysOfEveryKind(keys: StoreKeys): string[] {
  const appIds = Array.from({ length: 30 }, (_, index) => `wx${index.toString(16).padStart(16, '0')}`);
  return [
    keys.componentTicket,
    keys.componentToken,
    keys.merchants,
    keys.revokedAuthorizers,
    keys.heldBack,
    keys.lock(keys.componentToken),
    keys.failure(keys.componentToken),
    keys.handledPush('0'.repeat(32)),
    keys.authorizationCode('1'.repeat(32)),
    ...appIds.flatMap((appId) => [
      keys.authorizerToken(appId),
      keys.refreshToken(appId),
      keys.lock(keys.authorizerToken(appId)),
      keys.failure(keys.authorizerToken(appId)),
      keys.envInfo(appId),
    ]),
  ];
}

function clusterSlotChecks(cluster: () => RedisCluster) {
  const ports = () => cluster().nodes.map((node) => node.port);
  const onNode = async <T>(port: number, use: (redis: Redis) => Promise<T>): Promise<T> => {
    const redis = new Redis({ port, host: '127.0.0.1' });
    try {
      return await use(redis);
    } finally {
      redis.disconnect();
    }
  };
  const crossSlotErrors = () => Promise.all(ports().map((port) => onNode(port, async (redis) => Number(/^errorstat_CROSSSLOT:count=(\d+)/m.exec(await redis.info('errorstats'))?.[1] ?? 0))));
  /** The port of the master serving each key's slot, from CLUSTER SLOTS. */
  const portsOf = async (keys: readonly string[]) => {
    const ranges = (await onNode(ports()[0]!, (redis) => redis.call('CLUSTER', 'SLOTS'))) as Array<[number, number, [string, number]]>;
    return keys.map((key) => ranges.find(([first, last]) => calculateSlot(key) >= first && calculateSlot(key) <= last)![2][1]);
  };
  const keys = keysOfEveryKind(new StoreKeys('slots:'));

  it('runs every store operation on keys spread over all three masters, none crossing slots', async () => {
    expect(new Set(await portsOf(keys)).size).toBe(3);
    const store = await RedisStore.connect({ topology: loadRegistryToolConfig(cluster().env).store.redis!, logger: captureLogs().logger });
    try {
      for (const key of keys) {
        for (const operation of Object.values(OPERATIONS)) await operation(store, key);
      }
    } finally {
      await store.close();
    }
  });

  it('checks the settings of every master at start-up, naming the one that keeps nothing on disk', async () => {
    const port = ports()[1]!;
    await onNode(port, async (redis) => void (await redis.config('SET', 'appendonly', 'no')));
    const store = await RedisStore.connect({ topology: loadRegistryToolConfig(cluster().env).store.redis!, logger: captureLogs().logger });
    try {
      const checked = checkDurability({ mode: 'fail', masters: store.masters(), where: store.where, logger: captureLogs().logger });
      await expect(checked).rejects.toThrow(new RegExp(`\\n  - 127\\.0\\.0\\.1:${port}: appendonly is "no" and save is ""`));
      expect(((await checked.catch((error: DurabilityError) => error)) as DurabilityError).problems).toHaveLength(1);
    } finally {
      await store.close();
      await onNode(port, async (redis) => void (await redis.config('SET', 'appendonly', 'yes')));
    }
  });

  it('met not one CROSSSLOT on any master, through every test above', async () => {
    expect(await crossSlotErrors()).toEqual([0, 0, 0]);
  });

  it('would have counted one: a command whose keys lie in two slots of one master is refused and counted', async () => {
    const owners = await portsOf(keys);
    const port = ports()[0]!;
    const mine = keys.filter((_key, index) => owners[index] === port);
    const [first, second] = [mine[0]!, mine.find((key) => calculateSlot(key) !== calculateSlot(mine[0]!))!];
    await expect(onNode(port, (redis) => redis.call('MGET', first, second))).rejects.toThrow(/^CROSSSLOT/);
    expect((await crossSlotErrors())[0]).toBe(1);
  });
}
