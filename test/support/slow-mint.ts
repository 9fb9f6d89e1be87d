/**
 * The refresh lock against a token endpoint slower than the lock's life: two replicas on
 * one Redis, api_authorizer_token answering after `answerAfterMs`, operations for one
 * merchant arriving at both while it mints. Used at full size (longer than the 15 s lock,
 * slow suite) and with a shortened lock (fast suite): the same code, other numbers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../src/config/index.js';
import { AUTHORIZER_TOKEN_PATH, GET_ENV_INFO_PATH, WechatSimulator } from '../../src/simulator/index.js';
import { TEST_COMPONENT, testMerchants } from './merchants.js';
import { REDIS_TEST_URL, deletePrefix, uniquePrefix } from './redis.js';
import { startReplicas, withLock } from './replicas.js';
import { registerSecrets } from './suite-capture.js';

export interface SlowMintOutcome {
  /** Each operation's errors (none expected) and whether it had data. */
  readonly answers: ReadonlyArray<{ readonly errors: unknown[]; readonly served: boolean }>;
  /** api_authorizer_token calls on the wire, and tokens the simulator issued for the merchant. */
  readonly mints: number;
  readonly issued: number;
  /** Distinct access tokens getEnvInfo was called with: one means no replica ever held a token another's mint had replaced. */
  readonly tokensUsed: number;
  readonly lockLost: boolean;
  readonly lockTtlMs: number;
}

export async function slowMintAcrossReplicas(answerAfterMs: number, lockTtlMs?: number): Promise<SlowMintOutcome> {
  const { authorizers, entries } = testMerchants([{ merchantId: 'm_0', authorizer: 'slow' }], 'refresh');
  registerSecrets(TEST_COMPONENT.appSecret, ...entries.map((entry) => entry.authorizerRefreshToken));
  const simulator = new WechatSimulator({ authorizers, component: TEST_COMPONENT });
  await simulator.start();
  const prefix = uniquePrefix('slow-mint');
  simulator.injectEndpointFault(AUTHORIZER_TOKEN_PATH, { kind: 'delay', ms: answerAfterMs }, { times: 1 });
  const adjust = lockTtlMs === undefined ? undefined : (config: Config) => withLock(config, { ttlMs: lockTtlMs });
  const replicas = await startReplicas({
    simulator,
    entries,
    env: { REDIS_URL: REDIS_TEST_URL, WECHAT_REDIS_PREFIX: prefix, WECHAT_TIMEOUT_MS: String(2 * answerAfterMs), REQUEST_DEADLINE_MS: String(3 * answerAfterMs) },
    ...(adjust ? { adjust } : {}),
  });
  try {
    // Twenty operations, alternating replicas, spread over the mint.
    const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => sleep((index * answerAfterMs) / 20).then(() => replicas.query(index, 'm_0'))));
    const appId = entries[0]!.authorizerAppId;
    return {
      answers: responses.map(({ body }) => ({ errors: body.errors ?? [], served: Array.isArray(body.data?._entities?.[0]?.cloudEnvironments) })),
      mints: simulator.callCount(AUTHORIZER_TOKEN_PATH),
      issued: simulator.issuedTokenCount('authorizer', appId),
      tokensUsed: new Set(simulator.calls.filter((call) => call.path === GET_ENV_INFO_PATH).map((call) => call.accessToken)).size,
      lockLost: replicas.logs.some((log) => log.lines.some((line) => line.includes('refresh lock was lost'))),
      lockTtlMs: replicas.config.tokens.lock.ttlMs,
    };
  } finally {
    await replicas.stop();
    await simulator.stop();
    registerSecrets(...simulator.calls.map((call) => call.accessToken));
    await deletePrefix(prefix);
  }
}
