/**
 * An authorization code is spent once api_query_auth exchanges it. When its refresh token
 * then cannot be stored, WeChat's retry of the push cannot bring it back: the receiver says
 * so at error level, on the push that failed and on every repeat of it, never quietly
 * "nothing to do".
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizerRegistry } from '../../src/authorizers/authorizer-registry.js';
import { loadConfig } from '../../src/config/index.js';
import { ComponentEventHandler } from '../../src/events/component-event-handler.js';
import { type SimulatedComponent, WechatSimulator } from '../../src/simulator/index.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { StoreKeys } from '../../src/store/store-keys.js';
import { unobserved } from '../../src/observability/metrics.js';
import { ownTokens } from '../../src/tokens/own-tokens.js';
import { TokenRecords } from '../../src/tokens/token-records.js';
import { ComponentApi } from '../../src/wechat/component-api.js';
import { WechatClient } from '../../src/wechat/wechat-client.js';
import { captureLogs } from '../support/log-capture.js';

const COMPONENT: SimulatedComponent = { appId: 'wx00e0e0e0e0e0e0e1', appSecret: 'component-secret-spent-code', verifyTicket: 'ticket@@@spent-code' };
const APP_ID = 'wx00000000000000c3';
/** The configured defaults. */
const CONFIG = loadConfig({});

/** Redis failing over just as the refresh token is written. */
class StoreLosingRefreshTokens extends MemoryStore {
  constructor(private readonly refreshKey: string) {
    super();
  }
  override set(key: string, value: string, options?: Parameters<MemoryStore['set']>[2]): Promise<boolean> {
    if (key === this.refreshKey) return Promise.reject(new Error('connection lost'));
    return super.set(key, value, options);
  }
}

describe('an authorization code spent without its refresh token stored', () => {
  const simulator = new WechatSimulator({ component: COMPONENT, authorizers: [{ appId: APP_ID, environments: [] }] });
  let client: WechatClient;

  beforeAll(async () => {
    await simulator.start();
    client = new WechatClient({ ...CONFIG.wechat, baseUrl: simulator.url, timeoutMs: 2_000, maxConnections: 4, retryBaseDelayMs: 1, logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await client.close();
    await simulator.stop();
  });

  it('is logged at error level as lost, on the push and on its repeat', async () => {
    const keys = new StoreKeys('spent:');
    const store = new StoreLosingRefreshTokens(keys.refreshToken(APP_ID));
    const registry = new AuthorizerRegistry(store, keys);
    const { received } = ownTokens({
      records: new TokenRecords({ store, keys, refreshAtFraction: CONFIG.tokens.refreshAtFraction }),
      timings: CONFIG.tokens,
      componentApi: new ComponentApi(client, COMPONENT),
      fallbackTicket: COMPONENT.verifyTicket,
      fixedTokens: new Map(),
      receiving: true,
      mappedAuthorizers: () => registry.mappedAuthorizers(),
      storeIntact: async () => true,
      logger: pino({ level: 'silent' }),
      metrics: unobserved(),
    });
    const handler = new ComponentEventHandler({ store, keys, registry, tokens: received });
    const code = simulator.authorize(APP_ID);
    const event = { infoType: 'authorized', authorizerAppId: APP_ID, authorizationCode: code } as const;
    const { logger, lines } = captureLogs();

    await expect(handler.handle(event, logger)).rejects.toThrow('connection lost');
    await handler.handle(event, logger);

    const parsed = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    const errors = parsed.filter((line) => line.level === 50).map((line) => line.msg);
    expect(errors).toEqual([
      expect.stringContaining(`authorizer ${APP_ID}: the authorization code was exchanged but its refresh token could not be stored; the merchant must authorize again`),
      expect.stringContaining(`authorizer ${APP_ID}: this push's code was spent without its refresh token being stored; the merchant must authorize again`),
    ]);
    expect(lines.join('\n')).not.toContain(code);
  });
});
