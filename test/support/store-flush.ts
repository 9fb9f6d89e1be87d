/**
 * The lost-store scenario: two replicas on a private redis-server, merchants mapped by
 * AUTHORIZERS_FILE without tokens (their refresh tokens came with authorization pushes),
 * operations for every merchant arriving at both replicas, then FLUSHDB under that load.
 * Measures how long until every merchant is served again, and what WeChat was asked for
 * meanwhile. Used by the fast suite (a few merchants) and the slow one (more, for longer).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import {
  AUTHORIZER_LIST_PATH,
  AUTHORIZER_TOKEN_PATH,
  COMPONENT_TOKEN_PATH,
  QUERY_AUTH_PATH,
  START_PUSH_TICKET_PATH,
  type SimulatedAuthorizer,
  WechatSimulator,
} from '../../src/simulator/index.js';
import { TEST_COMPONENT, environment } from './merchants.js';
import { PrivateRedisServer, freePort } from './redis-server.js';
import { startReplicas } from './replicas.js';
import { registerSecrets } from './suite-capture.js';

export interface FlushOutcome {
  /** Milliseconds from FLUSHDB until every merchant had been served again. */
  readonly servedAgainAfterMs: number | undefined;
  readonly merchants: number;
  readonly operationsAfterFlush: number;
  /** Error codes fields met after the flush, with how often. */
  readonly codesAfterFlush: Readonly<Record<string, number>>;
  /** WeChat calls after the flush, by endpoint. */
  readonly calls: { readonly list: number; readonly startPushTicket: number; readonly queryAuth: number; readonly componentTokens: number; readonly authorizerTokens: number };
  /** Whether every operation in the last second of the run was served. */
  readonly servedAtTheEnd: boolean;
  readonly recoveryLines: readonly string[];
}

const KEYS = { messageToken: 'flushMessageToken1', encodingAesKey: randomBytes(32).toString('base64').slice(0, 43) };

export async function flushUnderLoad(options: { authorizers: number; merchantsPerAuthorizer: number; workers: number; runAfterFlushMs: number }): Promise<FlushOutcome> {
  const simulated: SimulatedAuthorizer[] = Array.from({ length: options.authorizers }, (_, index) => ({
    appId: `wx${(0xf000 + index).toString(16).padStart(16, '0')}`,
    refreshToken: `refresh-secret-flush-${index}-6a2e`,
    environments: [environment(`flush${index}-env`)],
  }));
  const entries = simulated.flatMap((authorizer, index) =>
    Array.from({ length: options.merchantsPerAuthorizer }, (_, copy) => ({ merchantId: `m_${index}_${copy}`, authorizerAppId: authorizer.appId })),
  );
  registerSecrets(TEST_COMPONENT.appSecret, TEST_COMPONENT.verifyTicket, KEYS.messageToken, KEYS.encodingAesKey, ...simulated.map((authorizer) => authorizer.refreshToken));
  const directory = await mkdtemp(join(tmpdir(), 'store-flush-'));
  const redisServer = new PrivateRedisServer(await freePort(), directory);
  await redisServer.start();
  const simulator = new WechatSimulator({ authorizers: simulated, component: TEST_COMPONENT, pushRetryDelayMs: 50 });
  await simulator.start();
  const replicas = await startReplicas({
    simulator,
    entries,
    env: {
      REDIS_URL: redisServer.url,
      WECHAT_COMPONENT_VERIFY_TICKET: '',
      WECHAT_COMPONENT_MESSAGE_TOKEN: KEYS.messageToken,
      WECHAT_COMPONENT_ENCODING_AES_KEY: KEYS.encodingAesKey,
      REQUEST_DEADLINE_MS: '10000',
    },
  });
  const redis = new Redis(redisServer.url);
  try {
    // As WeChat's console is set: the event URL is the first replica's receiver.
    const target = { url: replicas.replicas[0]!.url.replace(/\/graphql$/, '/wechat/component/events'), ...KEYS };
    simulator.pushes.setEventTarget(target);
    await simulator.pushes.pushVerifyTicket(target);
    for (const authorizer of simulated) {
      await simulator.pushes.pushAuthorizationEvent(target, 'authorized', authorizer.appId);
      registerSecrets(simulator.currentRefreshToken(authorizer.appId));
    }
    const ids = entries.map((entry) => entry.merchantId);
    const warm = await replicas.query(0, ...ids);
    if (warm.body.errors) throw new Error(`not every merchant was served before the flush: ${JSON.stringify(warm.body.errors.map((error) => error.extensions?.['code']))}`);

    let flushedAt = Number.POSITIVE_INFINITY;
    let stopAt = Number.POSITIVE_INFINITY;
    const servedAfterFlush = new Map<string, number>();
    const codes: Record<string, number> = {};
    const recent: Array<{ at: number; ok: boolean }> = [];
    let operationsAfterFlush = 0;
    const worker = async (index: number) => {
      for (let round = 0; Date.now() < stopAt; round += 1) {
        const merchantId = ids[(index + round * options.workers) % ids.length]!;
        const sentAt = Date.now();
        const { body } = await replicas.query(index + round, merchantId);
        const ok = Array.isArray(body.data?._entities?.[0]?.cloudEnvironments);
        if (sentAt < flushedAt) continue;
        operationsAfterFlush += 1;
        recent.push({ at: Date.now(), ok });
        if (ok && !servedAfterFlush.has(merchantId)) servedAfterFlush.set(merchantId, Date.now());
        for (const error of body.errors ?? []) codes[String(error.extensions?.['code'])] = (codes[String(error.extensions?.['code'])] ?? 0) + 1;
      }
    };
    const load = Promise.all(Array.from({ length: options.workers }, (_, index) => worker(index)));
    await sleep(300);
    simulator.resetCalls();
    flushedAt = Date.now();
    await redis.flushdb();
    stopAt = flushedAt + options.runAfterFlushMs;
    await load;

    const count = (path: string) => simulator.callCount(path);
    const last = recent.filter((operation) => operation.at > stopAt - 1_000);
    return {
      servedAgainAfterMs: servedAfterFlush.size === ids.length ? Math.max(...servedAfterFlush.values()) - flushedAt : undefined,
      merchants: ids.length,
      operationsAfterFlush,
      codesAfterFlush: codes,
      calls: {
        list: count(AUTHORIZER_LIST_PATH),
        startPushTicket: count(START_PUSH_TICKET_PATH),
        queryAuth: count(QUERY_AUTH_PATH),
        componentTokens: count(COMPONENT_TOKEN_PATH),
        authorizerTokens: count(AUTHORIZER_TOKEN_PATH),
      },
      servedAtTheEnd: last.length > 0 && last.every((operation) => operation.ok),
      recoveryLines: replicas.logs.flatMap((log) => log.lines).filter((line) => /lost its records|api_get_authorizer_list pass|api_start_push_ticket|seeded again/.test(line)),
    };
  } finally {
    redis.disconnect();
    await replicas.stop();
    await simulator.stop();
    registerSecrets(...simulator.calls.map((call) => call.accessToken));
    await redisServer.stop();
    await rm(directory, { recursive: true, force: true });
  }
}
