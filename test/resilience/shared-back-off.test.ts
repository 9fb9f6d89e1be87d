/**
 * With Redis, replicas share the per-authorizer back-off: an authorizer one replica holds
 * back is held back by the others after their next sync, so it costs one probe per
 * back-off in all, and every replica answers for it with its last failure at once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningSubgraph, startSubgraph } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { WechatSimulator } from '../../src/simulator/index.js';
import { type TemporaryAuthorizersFile, simulatedWechatEnv, writeTemporaryAuthorizersFile } from '../../tools/simulated-wechat-env.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { captureLogs } from '../support/log-capture.js';
import { testMerchants, tokenFor } from '../support/merchants.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, uniquePrefix } from '../support/redis.js';
import { registerSecrets } from '../support/suite-capture.js';

const GET_ENV_INFO = '/tcb/getenvinfo';
const { authorizers, entries } = testMerchants([
  { merchantId: 'm_busy', authorizer: 'busy' },
  { merchantId: 'm_healthy', authorizer: 'healthy' },
]);

describeWithRedis('replicas sharing one Redis', () => {
  const prefix = uniquePrefix('shared-back-off');
  const simulator = new WechatSimulator({ authorizers });
  let file: TemporaryAuthorizersFile;
  let replicas: RunningSubgraph[] = [];

  beforeAll(async () => {
    const simulatorUrl = await simulator.start();
    file = await writeTemporaryAuthorizersFile(entries);
    registerSecrets(...authorizers.map((authorizer) => authorizer.accessToken));
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      ...simulatedWechatEnv(simulatorUrl, file.path, undefined),
      REDIS_URL: REDIS_TEST_URL,
      WECHAT_REDIS_PREFIX: prefix,
      CLOUDENV_CACHE_TTL_MS: '0',
      // Each failure's own code, never a last good answer in its place.
      CLOUDENV_STALE_IF_ERROR_MS: '0',
      WECHAT_AUTHORIZER_BACKOFF_BASE_MS: '20000',
      WECHAT_AUTHORIZER_BACKOFF_MAX_MS: '20000',
    });
    replicas = [await startSubgraph(config, captureLogs().logger), await startSubgraph(config, captureLogs().logger)];
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await simulator.stop();
    await file?.remove();
    await deletePrefix(prefix);
  });

  const query = (replica: RunningSubgraph, ...ids: string[]) => postGraphQL(replica.url, ENTITIES_QUERY, { representations: merchantRepresentations(...ids) });

  it('holds an authorizer back on every replica once one of them has', async () => {
    simulator.injectFault(tokenFor('busy'), { kind: 'errcode', errcode: -1 });
    const first = await query(replicas[0]!, 'm_busy');
    expect(first.body.errors?.[0]?.extensions).toMatchObject({ code: 'WECHAT_BUSY' });
    const calls = simulator.callCount(GET_ENV_INFO);
    expect(calls).toBe(3);

    // The other replica adopts the hold on its next sync (every second): wait for it to say so.
    const heldBack = async () => /^wechat_authorizers_held_back 1$/m.test(await (await fetch(new URL('/metrics', replicas[1]!.url))).text());
    await expect.poll(heldBack, { timeout: 10_000, interval: 50 }).toBe(true);
    const other = await query(replicas[1]!, 'm_busy', 'm_healthy');
    expect(other.body.errors).toHaveLength(1);
    expect(other.body.errors![0]!.extensions).toMatchObject({ code: 'WECHAT_BUSY', retryable: true, retryAfterMs: expect.any(Number) });
    expect(other.body.errors![0]!.message).toMatch(/held back/);
    expect(other.body.data._entities[1].cloudEnvironments).toHaveLength(1);
    expect(simulator.calls.filter((call) => call.accessToken === tokenFor('busy'))).toHaveLength(calls);

    const metrics = await (await fetch(new URL('/metrics', replicas[1]!.url))).text();
    expect(metrics).toMatch(/^wechat_authorizers_held_back 1$/m);
  });
});
