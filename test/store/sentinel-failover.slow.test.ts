/**
 * A Sentinel failover under load. Two subgraph replicas serve eight merchants from a
 * Sentinel group while WeChat (the simulator) rotates every refresh token at every mint and
 * tokens live 4 s, so refresh tokens are rewritten all along; then the master crashes
 * (SIGKILL: nothing flushed, nothing handed over). While the sentinels fail over, fields
 * answer TOKEN_STORE_UNAVAILABLE and nothing else, never a wrong answer; afterwards both
 * replicas serve every merchant again by themselves, no refresh token was lost (each stored
 * one is the one WeChat holds current: writes waited for the replica), no token was minted
 * twice over, and once the old master is back as a replica durable writes wait for it again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningSubgraph, startSubgraph } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { AUTHORIZER_TOKEN_PATH, WechatSimulator } from '../../src/simulator/index.js';
import { type TemporaryAuthorizersFile, simulatedWechatEnv, writeTemporaryAuthorizersFile } from '../../tools/simulated-wechat-env.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { type CapturedLogger, captureLogs } from '../support/log-capture.js';
import { TEST_COMPONENT, appIdOf, testMerchants, type TestMerchant } from '../support/merchants.js';
import { describeWithRedisServer } from '../support/redis-server.js';
import { type SentinelGroup, startSentinelGroup, waitFor } from '../support/redis-topologies.js';
import { registerSecrets } from '../support/suite-capture.js';

const TOKEN_LIFETIME_S = 4;
const REFRESH_AT_MS = TOKEN_LIFETIME_S * 1000 * 0.85;
const MERCHANTS = Array.from({ length: 8 }, (_, index): TestMerchant => ({ merchantId: `m_${index}`, authorizer: `a${index}` }));
const { authorizers, entries } = testMerchants(MERCHANTS, 'refresh');
const PREFIX = 'failover:';

interface Answer {
  /** When the answer arrived. */
  readonly at: number;
  readonly merchantId: string;
  /** 'data' for the merchant's own environments; else the error code, or 'wrong'. */
  readonly outcome: string;
}

describeWithRedisServer('a Sentinel failover under load', () => {
  let group: SentinelGroup;
  let simulator: WechatSimulator;
  let file: TemporaryAuthorizersFile;
  let replicas: RunningSubgraph[] = [];
  const logs: CapturedLogger[] = [];
  const answers: Answer[] = [];
  let crashedAt = 0;
  let recoveredAt = 0;

  async function ask(replica: number, merchantId: string): Promise<Answer> {
    const { body } = await postGraphQL(replicas[replica]!.url, ENTITIES_QUERY, { representations: merchantRepresentations(merchantId) });
    const environments = body.data?._entities?.[0]?.cloudEnvironments;
    const code = body.errors?.[0]?.extensions?.code;
    const own = `a${merchantId.slice(2)}-env`;
    const outcome = body.errors === undefined ? (environments?.length === 1 && environments[0].env === own ? 'data' : 'wrong') : environments == null ? String(code) : 'wrong';
    return { at: Date.now(), merchantId, outcome };
  }

  /** Keeps `loops` operations in flight over both replicas until `stop` says so. */
  async function load(loops: number, stop: () => boolean): Promise<void> {
    await Promise.all(
      Array.from({ length: loops }, async (_, loop) => {
        for (let turn = 0; !stop(); turn += 1) {
          answers.push(await ask(loop % 2, MERCHANTS[(loop + turn) % MERCHANTS.length]!.merchantId));
          await sleep(20);
        }
      }),
    );
  }

  beforeAll(async () => {
    group = await startSentinelGroup({ downAfterMs: 1_000 });
    simulator = new WechatSimulator({ authorizers, component: TEST_COMPONENT, rotateRefreshTokens: true, tokenLifetimeSeconds: TOKEN_LIFETIME_S });
    file = await writeTemporaryAuthorizersFile(entries);
    registerSecrets(TEST_COMPONENT.appSecret, ...entries.map((entry) => entry.authorizerRefreshToken));
    const config = loadConfig({
      NODE_ENV: 'production',
      ALLOW_OPEN_ACCESS: 'true',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...simulatedWechatEnv(await simulator.start(), file.path, TEST_COMPONENT),
      ...group.env,
      WECHAT_REDIS_PREFIX: PREFIX,
      CLOUDENV_CACHE_TTL_MS: '0',
      // The failover's own answers (TOKEN_STORE_UNAVAILABLE), never a last good answer in their place.
      CLOUDENV_STALE_IF_ERROR_MS: '0',
    });
    for (const _replica of [0, 1]) logs.push(captureLogs('info'));
    replicas = await Promise.all(logs.map((captured) => startSubgraph(config, captured.logger)));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await simulator?.stop();
    registerSecrets(...(simulator?.calls.map((call) => call.accessToken) ?? []), ...authorizers.map((authorizer) => simulator?.currentRefreshToken(authorizer.appId)));
    await file?.remove();
    await group?.stop();
  });

  it('answers TOKEN_STORE_UNAVAILABLE, and nothing wrong, while the master is lost, and serves again by itself', async () => {
    const oldMaster = group.master.port;
    let done = false;
    const running = load(8, () => done);
    await sleep(2 * REFRESH_AT_MS); // every token refreshed, every refresh token rotated, at least once
    crashedAt = Date.now();
    await group.master.kill();
    await waitFor(async () => (await group.masterPort()) !== oldMaster, 'the sentinels did not promote the replica');
    // Recovered: every merchant answered on both replicas, and then a whole refresh cycle more.
    await waitFor(async () => {
      const recent = answers.filter((answer) => answer.at > Date.now() - 1_000);
      return recent.length > 0 && recent.every((answer) => answer.outcome === 'data');
    }, 'the replicas did not serve again');
    recoveredAt = answers.findLast((answer) => answer.outcome !== 'data')?.at ?? crashedAt;
    await sleep(2 * REFRESH_AT_MS);
    done = true;
    await running;

    const outcomes = new Map<string, number>();
    for (const answer of answers) outcomes.set(answer.outcome, (outcomes.get(answer.outcome) ?? 0) + 1);
    const failed = answers.filter((answer) => answer.outcome !== 'data');
    console.log(
      `failover: ${answers.length} answers, ${JSON.stringify(Object.fromEntries(outcomes))}; ` +
        `TOKEN_STORE_UNAVAILABLE from +${(failed[0]?.at ?? crashedAt) - crashedAt} ms to +${recoveredAt - crashedAt} ms after the crash`,
    );
    expect([...outcomes.keys()].sort()).toEqual(failed.length > 0 ? ['TOKEN_STORE_UNAVAILABLE', 'data'] : ['data']);
    expect(failed.every((answer) => answer.at >= crashedAt)).toBe(true);
    for (const replica of replicas) expect((await fetch(new URL('/readyz', replica.url))).status).toBe(200);
  }, 120_000);

  it('lost no refresh token: each stored one is the one WeChat holds current, and every merchant answers', async () => {
    const master = new Redis({ port: await group.masterPort(), host: '127.0.0.1' });
    try {
      for (const { merchantId } of MERCHANTS) {
        const appId = appIdOf(entries, merchantId);
        expect(await master.get(`${PREFIX}authorizer:${appId}:refresh-token`)).toBe(simulator.currentRefreshToken(appId));
        expect((await ask(0, merchantId)).outcome).toBe('data');
      }
    } finally {
      master.disconnect();
    }
  });

  it('minted no token twice over: one mint per authorizer per refresh point', async () => {
    // Tokens minted and stored, as the replicas logged them (a call a superseded component token
    // made fail, then healed, is no second token).
    const minted = logs.flatMap((captured) =>
      captured.lines.map((line) => JSON.parse(line) as { msg: string; key?: string; time: number }).filter((line) => line.msg === 'token refreshed' && line.key?.startsWith('authorizer:')),
    );
    const gaps: number[] = [];
    for (const { merchantId } of MERCHANTS) {
      const appId = appIdOf(entries, merchantId);
      const times = minted.filter((line) => line.key === `authorizer:${appId}:access-token`).map((line) => line.time).sort((a, b) => a - b);
      gaps.push(...times.slice(1).map((at, index) => at - times[index]!));
      expect(simulator.issuedTokenCount('authorizer', appId)).toBeGreaterThanOrEqual(times.length);
    }
    const calls = simulator.callCount(AUTHORIZER_TOKEN_PATH);
    console.log(`failover: ${minted.length} tokens minted for ${MERCHANTS.length} authorizers (${calls} token-endpoint calls); the shortest gap between two of one authorizer ${Math.min(...gaps)} ms`);
    // Two replicas minting the same token would mint milliseconds apart; a refresh comes at 85% of a token's life.
    expect(Math.min(...gaps)).toBeGreaterThan(REFRESH_AT_MS / 2);
  });

  it('waits for a replica again once the old master is back as one', async () => {
    const newMaster = await group.masterPort();
    const master = new Redis({ port: newMaster, host: '127.0.0.1' });
    const waits = async () => Number(/cmdstat_wait:calls=(\d+)/.exec(await master.info('commandstats'))?.[1] ?? 0);
    try {
      await group.master.start(); // the sentinels turn it into a replica of the new master
      await waitFor(async () => /state=online/.test(await master.info('replication')), 'the old master did not come back as a replica');
      const before = await waits();
      await waitFor(async () => {
        // A refresh token rotates at each mint: keep the load on until one is written and waited for.
        await ask(0, MERCHANTS[0]!.merchantId);
        return (await waits()) > before;
      }, 'no durable write waited for the returned replica');
    } finally {
      master.disconnect();
    }
  }, 60_000);
});
