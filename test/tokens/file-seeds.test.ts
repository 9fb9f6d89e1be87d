/**
 * The file seeds, the store decides: AUTHORIZERS_FILE adds what the store lacks at every
 * start, and never undoes what an operator did through `npm run authorizers` (a move with
 * --replace, a removal), across a restart. What it did not apply is logged, one line per
 * kind, naming merchants and never a token. Real Redis under a prefix of its own, the real
 * CLI (once as its own process), the simulator over HTTP.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WechatSimulator } from '../../src/simulator/index.js';
import { cli, spawnCli } from '../support/authorizers-cli.js';
import { TEST_COMPONENT, environment } from '../support/merchants.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, uniquePrefix } from '../support/redis.js';
import { type Replicas, startReplicas } from '../support/replicas.js';
import { registerSecrets } from '../support/suite-capture.js';

const A = 'wx000000000000a0a0';
const B = 'wx000000000000b0b0';
const REFRESH = { [A]: 'refresh-secret-seeds-a-3e1f', [B]: 'refresh-secret-seeds-b-8c4d' };
const FILE = [
  { merchantId: 'm_1', authorizerAppId: A, authorizerRefreshToken: REFRESH[A] },
  { merchantId: 'm_2', authorizerAppId: A, authorizerRefreshToken: REFRESH[A] },
  { merchantId: 'm_3', authorizerAppId: B, authorizerRefreshToken: REFRESH[B] },
];
registerSecrets(TEST_COMPONENT.appSecret, ...Object.values(REFRESH));

describeWithRedis('AUTHORIZERS_FILE with a store', () => {
  const prefix = uniquePrefix('seeds');
  const env = { REDIS_URL: REDIS_TEST_URL, WECHAT_REDIS_PREFIX: prefix };
  const simulator = new WechatSimulator({
    component: TEST_COMPONENT,
    authorizers: [
      { appId: A, refreshToken: REFRESH[A], environments: [environment('a-env')] },
      { appId: B, refreshToken: REFRESH[B], environments: [environment('b-env')] },
    ],
  });
  let redis: Redis;
  let running: Replicas | undefined;
  const start = async () => (running = await startReplicas({ simulator, entries: FILE, env, count: 1 }));

  beforeAll(async () => {
    redis = new Redis(REDIS_TEST_URL);
    await simulator.start();
  });
  afterAll(async () => {
    await running?.stop();
    await simulator.stop();
    redis.disconnect();
    await deletePrefix(prefix);
  });

  it('seeds an empty store with every merchant and refresh token of the file', async () => {
    const first = await start();
    expect(await redis.hgetall(`${prefix}merchants`)).toEqual({ m_1: A, m_2: A, m_3: B });
    expect(await redis.get(`${prefix}authorizer:${A}:refresh-token`)).toBe(REFRESH[A]);
    expect((await first.query(0, 'm_1', 'm_3')).body.errors).toBeUndefined();
  });

  it('keeps a move (--replace) and a removal made through the CLI across a restart, saying what it did not apply', async () => {
    const moved = await spawnCli(['add', 'm_1', B, '--replace'], env);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain(`moved m_1 from ${A} to ${B}`);
    const removed = await cli(['remove', 'm_2'], env);
    expect(removed).toMatchObject({ code: 0, stdout: `removed m_2\nno merchant uses ${A} any more, so its refresh token was deleted\n` });

    await running!.stop();
    const restarted = await start();

    expect(await redis.hgetall(`${prefix}merchants`)).toEqual({ m_1: B, m_3: B });
    expect(await redis.exists(`${prefix}authorizer:${A}:refresh-token`)).toBe(0);
    const { body } = await restarted.query(0, 'm_1', 'm_2');
    expect(body.data._entities[0].cloudEnvironments).toEqual([expect.objectContaining({ env: 'b-env' })]);
    expect(body.data._entities[1].cloudEnvironments).toBeNull();
    expect(body.errors?.map((error) => error.extensions?.['code'])).toEqual(['MERCHANT_NOT_AUTHORIZED']);

    const lines = restarted.logs[0]!.lines.map((line) => JSON.parse(line) as { level: number; msg: string; merchants?: string[] });
    const notApplied = lines.filter((line) => line.msg.startsWith('AUTHORIZERS_FILE not applied'));
    expect(notApplied).toEqual([
      expect.objectContaining({ level: 40, merchants: ['m_1'], msg: expect.stringContaining(`m_1 (file ${A}, registry ${B})`) }),
      expect.objectContaining({ level: 40, merchants: ['m_2'], msg: expect.stringMatching(/removed through the CLI .*m_2 \(removed \d{4}-\d\d-\d\dT/) }),
    ]);
  });

  it('adds a merchant removed through the CLI again only when the CLI adds it', async () => {
    expect((await cli(['add', 'm_2', A], env)).code).toBe(0);
    await running!.stop();
    const restarted = await start();
    expect(await redis.hgetall(`${prefix}merchants`)).toEqual({ m_1: B, m_2: A, m_3: B });
    // Its refresh token is the file's again: the store had none.
    expect(await redis.get(`${prefix}authorizer:${A}:refresh-token`)).toBe(REFRESH[A]);
    expect(restarted.logs[0]!.lines.filter((line) => line.includes('removed through the CLI'))).toEqual([]);
  });
});
