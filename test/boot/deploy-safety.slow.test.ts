/**
 * Deploying it as the docs say, with `npm start`'s own process (src/main.ts): a replica
 * started on an empty store is ready, asks WeChat for the ticket and serves once the push
 * arrives on its events port; a Redis stopped under a running replica leaves it ready,
 * saying why; production with no guard
 * does not start; the demo with REDIS_URL does not start and never reaches that Redis; the
 * events port serves the receiver and nothing else, the GraphQL port no receiver. Slow
 * (processes of their own), so it runs in `npm run test:slow`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { START_PUSH_TICKET_PATH, WechatSimulator } from '../../src/simulator/index.js';
import { type TemporaryAuthorizersFile, writeTemporaryAuthorizersFile } from '../../tools/simulated-wechat-env.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { TEST_COMPONENT, testMerchants } from '../support/merchants.js';
import { degradedReason, readinessWhen } from '../support/readiness.js';
import { uniquePrefix } from '../support/redis.js';
import { PrivateRedisServer, describeWithRedisServer, freePort } from '../support/redis-server.js';
import { type SpawnedSubgraph, spawnSubgraph, waitForOutput } from '../support/spawn-subgraph.js';
import { registerSecrets } from '../support/suite-capture.js';

const ROUTER_SECRET = 'router-secret-deploy-safety-5c8e1a';
const KEYS = { messageToken: 'deploySafetyToken9', encodingAesKey: randomBytes(32).toString('base64').slice(0, 43) };
registerSecrets(ROUTER_SECRET, KEYS.messageToken, KEYS.encodingAesKey, TEST_COMPONENT.appSecret, TEST_COMPONENT.verifyTicket);

const { authorizers, entries } = testMerchants([{ merchantId: 'm_0', authorizer: 'a0' }], 'refresh');
registerSecrets(...entries.map((entry) => entry.authorizerRefreshToken));
const simulator = new WechatSimulator({ authorizers, component: TEST_COMPONENT });
let authorizersFile: TemporaryAuthorizersFile;
let directory: string;

beforeAll(async () => {
  await simulator.start();
  authorizersFile = await writeTemporaryAuthorizersFile(entries);
  directory = await mkdtemp(join(tmpdir(), 'deploy-safety-'));
});
afterAll(async () => {
  await simulator.stop();
  await authorizersFile?.remove();
  if (directory) await rm(directory, { recursive: true, force: true });
});

/** A production replica on the simulator, guarded by the router secret, as the manifests run it. */
const production = (env: Record<string, string>) => ({
  NODE_ENV: 'production',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  ROUTER_SECRET,
  WECHAT_API_BASE_URL: simulator.url,
  AUTHORIZERS_FILE: authorizersFile.path,
  WECHAT_COMPONENT_APPID: TEST_COMPONENT.appId,
  WECHAT_COMPONENT_APPSECRET: TEST_COMPONENT.appSecret,
  DEPENDENCY_CHECK_INTERVAL_MS: '200',
  ...env,
});

const query = (url: string) => postGraphQL(url, ENTITIES_QUERY, { representations: merchantRepresentations('m_0') }, { 'router-authorization': ROUTER_SECRET });

async function stopped(subgraph: SpawnedSubgraph): Promise<number | null> {
  subgraph.child.kill('SIGTERM');
  return subgraph.exited;
}

async function privateRedis(): Promise<PrivateRedisServer> {
  const redis = new PrivateRedisServer(await freePort(), await mkdtemp(join(directory, 'redis-')));
  await redis.start();
  return redis;
}

describeWithRedisServer('a replica started on an empty store, minting its own tokens', () => {
  it('is ready, asks WeChat for the ticket (api_start_push_ticket), and serves once the push arrives on the events port', { timeout: 120_000 }, async () => {
    const redis = await privateRedis();
    // The authorization event URL, as it is set at WeChat's console: the events port, fixed ahead.
    const eventsPort = await freePort();
    const eventsUrl = `http://127.0.0.1:${eventsPort}/wechat/component/events`;
    simulator.pushes.setEventTarget({ url: eventsUrl, ...KEYS });
    simulator.resetCalls();
    const pushed = simulator.pushes.nextTicketPush();
    const subgraph = spawnSubgraph(
      production({
        REDIS_URL: redis.url,
        WECHAT_REDIS_PREFIX: uniquePrefix('empty-store'),
        EVENTS_PORT: String(eventsPort),
        WECHAT_COMPONENT_MESSAGE_TOKEN: KEYS.messageToken,
        WECHAT_COMPONENT_ENCODING_AES_KEY: KEYS.encodingAesKey,
      }),
    );
    try {
      const [, url] = await waitForOutput(subgraph, /subgraph ready at (http:\/\/\S+\/graphql)/);
      expect((await fetch(new URL('/readyz', url))).status).toBe(200);
      const delivery = await pushed;
      expect(simulator.callCount(START_PUSH_TICKET_PATH)).toBeGreaterThanOrEqual(1);
      expect(delivery).toMatchObject({ url: eventsUrl, delivered: true });
      await readinessWhen(url!, (answer) => degradedReason(answer, 'ticket') === undefined);
      expect((await query(url!)).body).toEqual({ data: { _entities: [{ id: 'm_0', cloudEnvironments: [expect.objectContaining({ env: 'a0-env' })] }] } });
      expect(subgraph.output()).toMatch(/component_verify_ticket arrived after api_start_push_ticket/);
    } finally {
      simulator.pushes.setEventTarget(undefined);
      expect(await stopped(subgraph)).toBe(0);
      await redis.stop();
    }
  });
});

describeWithRedisServer('a running replica whose Redis stops', () => {
  it('stays ready, with the reason in /readyz and cloudenv_degraded, fails the fields with TOKEN_STORE_UNAVAILABLE, and recovers', { timeout: 120_000 }, async () => {
    const redis = await privateRedis();
    const subgraph = spawnSubgraph(
      production({ REDIS_URL: redis.url, WECHAT_REDIS_PREFIX: uniquePrefix('deploy'), WECHAT_COMPONENT_VERIFY_TICKET: TEST_COMPONENT.verifyTicket }),
    );
    try {
      const [, url] = await waitForOutput(subgraph, /subgraph ready at (http:\/\/\S+\/graphql)/);
      expect((await query(url!)).body.errors).toBeUndefined();

      expect(await redis.stop()).toBe(0);
      const { body } = await query(url!);
      expect(body.data._entities).toEqual([{ id: 'm_0', cloudEnvironments: null }]);
      expect(body.errors).toMatchObject([{ extensions: { code: 'TOKEN_STORE_UNAVAILABLE', retryable: true, merchantId: 'm_0' } }]);
      const ready = await readinessWhen(url!, (answer) => degradedReason(answer, 'store') !== undefined);
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ready');
      expect(degradedReason(ready, 'store')).toMatch(/^The token store is unavailable: .*\(REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES\)/);
      expect(await (await fetch(new URL('/metrics', url))).text()).toMatch(/^cloudenv_degraded\{check="store"\} 1$/m);
      expect((await fetch(new URL('/healthz', url))).status).toBe(200);

      await redis.start();
      expect((await readinessWhen(url!, (answer) => answer.body.degraded.length === 0)).status).toBe(200);
      expect((await query(url!)).body.errors).toBeUndefined();
    } finally {
      expect(await stopped(subgraph)).toBe(0);
      await redis.stop();
    }
  });
});

describe('production with neither guard', () => {
  it('exits 1 naming ROUTER_SECRET, AUTHORIZATION and ALLOW_OPEN_ACCESS', { timeout: 60_000 }, async () => {
    const subgraph = spawnSubgraph({ NODE_ENV: 'production', PORT: '0', AUTHORIZERS_FILE: authorizersFile.path });
    expect(await subgraph.exited).toBe(1);
    const output = subgraph.output();
    expect(output).toMatch(/cannot start/);
    for (const name of ['ROUTER_SECRET', 'AUTHORIZATION', 'ALLOW_OPEN_ACCESS']) expect(output).toContain(name);
    expect(output).not.toMatch(/subgraph ready/);
  });
});

describeWithRedisServer('the demo with REDIS_URL set', () => {
  it('exits 1, saying how to reach WeChat or a simulator, and never connects to that Redis', { timeout: 60_000 }, async () => {
    const redis = await privateRedis();
    const connections = async () => {
      const client = new Redis(redis.url);
      try {
        return { received: Number(/total_connections_received:(\d+)/.exec(await client.info('stats'))![1]), keys: await client.dbsize() };
      } finally {
        client.disconnect();
      }
    };
    try {
      const before = await connections();
      const subgraph = spawnSubgraph({ PORT: '0', REDIS_URL: redis.url });
      expect(await subgraph.exited).toBe(1);
      expect(subgraph.output()).toMatch(/The demo .* refuses REDIS_URL\. .*WECHAT_API_BASE_URL=https:\/\/api\.weixin\.qq\.com .*`npm run simulator`/);
      // Only this test's own two connections: the demo never reached Redis, let alone wrote to it.
      expect(await connections()).toEqual({ received: before.received + 1, keys: 0 });
    } finally {
      await redis.stop();
    }
  });
});

describe('the events port of a production replica', () => {
  it('serves the receiver and nothing else, the GraphQL port no receiver, and closes with it on SIGTERM', { timeout: 120_000 }, async () => {
    const subgraph = spawnSubgraph(production({ EVENTS_PORT: '0', WECHAT_COMPONENT_MESSAGE_TOKEN: KEYS.messageToken, WECHAT_COMPONENT_ENCODING_AES_KEY: KEYS.encodingAesKey }));
    let eventsUrl: string | undefined;
    try {
      const [, url] = await waitForOutput(subgraph, /subgraph ready at (http:\/\/\S+\/graphql)/);
      [, eventsUrl] = await waitForOutput(subgraph, /WeChat's pushes are received at (http:\/\/[^\s"]+)/);
      expect(new URL(eventsUrl!).port).not.toBe(new URL(url!).port);
      // Ready without a ticket, which can only arrive once it takes traffic.
      const waiting = await readinessWhen(url!, () => true);
      expect(waiting.status).toBe(200);
      expect(degradedReason(waiting, 'ticket')).toMatch(/^no component_verify_ticket yet/);

      expect(await simulator.pushes.pushVerifyTicket({ url: eventsUrl!, ...KEYS })).toEqual({ status: 200, text: 'success' });
      await readinessWhen(url!, (answer) => degradedReason(answer, 'ticket') === undefined);
      expect((await query(url!)).body.errors).toBeUndefined();

      expect((await simulator.pushes.pushVerifyTicket({ url: new URL('/wechat/component/events', url).href, ...KEYS })).status).toBe(404);
      for (const path of ['/graphql', '/healthz', '/readyz', '/metrics']) expect([path, (await fetch(new URL(path, eventsUrl))).status]).toEqual([path, 404]);
    } finally {
      expect(await stopped(subgraph)).toBe(0);
    }
    await expect(fetch(eventsUrl!, { method: 'POST', body: '' })).rejects.toThrow();
  });
});
