/**
 * Two subgraph replicas, assembled exactly as `npm start` does, sharing one Redis and one
 * simulated WeChat. Each has its own in-process caches and single-flight, so the only
 * thing they share is what a second process would share: Redis. Whatever the two race for,
 * WeChat sees one refresh per authorizer: a second, independent refresh would invalidate
 * the first replica's token. (They run in this process to keep the suite fast; starting
 * and stopping a real process is covered by test/boot.)
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningSubgraph, startSubgraph } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { WechatSimulator } from '../../src/simulator/index.js';
import { type TemporaryAuthorizersFile, simulatedWechatEnv, writeTemporaryAuthorizersFile } from '../../tools/simulated-wechat-env.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { captureLogs } from '../support/log-capture.js';
import { TEST_COMPONENT, appIdOf, testMerchants, tokenEndpointCalls, type TestMerchant } from '../support/merchants.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, uniquePrefix } from '../support/redis.js';
import { registerSecrets } from '../support/suite-capture.js';

const TWENTY = Array.from({ length: 20 }, (_, index): TestMerchant => ({ merchantId: `m_${index}`, authorizer: `a${index}` }));
const { authorizers, entries } = testMerchants(TWENTY, 'refresh');

describeWithRedis('two replicas sharing one Redis', () => {
  const prefix = uniquePrefix('replicas');
  const simulator = new WechatSimulator({ authorizers, component: TEST_COMPONENT });
  let authorizersFile: TemporaryAuthorizersFile | undefined;
  let replicas: RunningSubgraph[] = [];

  /** The same merchant's operation, sent to replica `index % 2`. */
  const query = (index: number, merchantId: string) =>
    postGraphQL(replicas[index % 2]!.url, ENTITIES_QUERY, { representations: merchantRepresentations(merchantId) });

  beforeAll(async () => {
    const simulatorUrl = await simulator.start({ port: 0 });
    authorizersFile = await writeTemporaryAuthorizersFile(entries);
    registerSecrets(TEST_COMPONENT.appSecret, ...entries.map((entry) => entry.authorizerRefreshToken));
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      ALLOW_OPEN_ACCESS: 'true',
      CLOUDENV_CACHE_TTL_MS: '0', // the test counts token refreshes, not cache hits
      CLOUDENV_STALE_IF_ERROR_MS: '0',
      REQUEST_DEADLINE_MS: '60000', // 200 operations in one process on a busy machine: counts matter here, not latency
      ...simulatedWechatEnv(simulatorUrl, authorizersFile.path, TEST_COMPONENT),
      REDIS_URL: REDIS_TEST_URL,
      // The machine's Redis keeps nothing on disk; production would refuse to start on it.
      REDIS_DURABILITY_CHECK: 'warn',
      WECHAT_REDIS_PREFIX: prefix,
    });
    replicas = await Promise.all([startSubgraph(config, captureLogs('info').logger), startSubgraph(config, captureLogs('info').logger)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await simulator.stop();
    registerSecrets(...simulator.calls.map((call) => call.accessToken));
    await deletePrefix(prefix);
    await authorizersFile?.remove();
  }, 30_000);

  it('mints one authorizer token per authorizer and one component token for 200 concurrent cold operations across both', async () => {
    const responses = await Promise.all(Array.from({ length: 200 }, (_, index) => query(index, `m_${index % 20}`)));

    expect(responses.flatMap((response) => response.body.errors ?? [])).toEqual([]);
    expect(responses.every((response) => response.body.data._entities[0].cloudEnvironments.length === 1)).toBe(true);
    const calls = tokenEndpointCalls(simulator);
    expect(calls.component).toBe(1);
    expect(calls.byAuthorizer).toEqual(new Map(entries.map((entry) => [entry.authorizerAppId, 1])));
  }, 60_000);

  it('heals a token revoked upstream with one refresh, though both replicas meet the rejection at once', async () => {
    const appId = appIdOf(entries, 'm_3');
    expect((await query(0, 'm_3')).body.errors).toBeUndefined(); // the token is cached in Redis
    const before = tokenEndpointCalls(simulator).byAuthorizer.get(appId) ?? 0;
    simulator.revokeAuthorizerTokens(appId);

    const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => query(index, 'm_3')));

    expect(responses.flatMap((response) => response.body.errors ?? [])).toEqual([]);
    expect(responses.map((response) => response.body.data._entities[0].cloudEnvironments)).toEqual(
      Array.from({ length: 20 }, () => [expect.objectContaining({ env: 'a3-env' })]),
    );
    expect(tokenEndpointCalls(simulator).byAuthorizer.get(appId)).toBe(before + 1);
    expect(simulator.issuedTokenCount('authorizer', appId)).toBe(before + 1);
  }, 60_000);
});
