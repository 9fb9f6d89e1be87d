/**
 * Where the merchants' authorizers come from: AUTHORIZERS_FILE, Redis, or (with
 * MERCHANT_AUTHORIZER_FIELD) the merchants subgraph through the gateway, and what each needs.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { schemaOptionsOf } from '../../src/schema/build-schema.js';
import { configProblems, PRODUCTION } from '../support/config-problems.js';

const problemsOf = configProblems;
/** The platform's tokens from its token service: nothing else is kept anywhere. */
const platformService = { TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_URL: 'https://platform.internal/authorizers/{authorizerAppId}/token', PLATFORM_TOKEN_SECRET: 'platform-secret' };

describe('MERCHANT_AUTHORIZER_FIELD', () => {
  it('is unset by default: the registry names each merchant’s authorizer, and the SDL requires nothing', () => {
    const config = loadConfig({});
    expect(config.merchantAuthorizerField).toBeUndefined();
    expect(schemaOptionsOf(config).authorizerField).toBeUndefined();
  });

  it('names the Merchant field the SDL requires', () => {
    const config = loadConfig({ MERCHANT_AUTHORIZER_FIELD: ' wechatAppId ' });
    expect(config.merchantAuthorizerField).toBe('wechatAppId');
    expect(schemaOptionsOf(config)).toEqual({ requiredScope: undefined, authorizerField: 'wechatAppId' });
  });

  it.each(['_appId', 'mini_program_app_id2', 'a'])('accepts the GraphQL field name %s', (field) => {
    expect(loadConfig({ MERCHANT_AUTHORIZER_FIELD: field }).merchantAuthorizerField).toBe(field);
  });

  it.each(['wechat-app-id', '2appId', 'wechat.appId', '__typename', '__appId', 'x'.repeat(65), 'appId { id }'])('refuses %s, which is no field name it may be', (field) => {
    expect(problemsOf({ MERCHANT_AUTHORIZER_FIELD: field })).toEqual([expect.stringMatching(/^MERCHANT_AUTHORIZER_FIELD must be a GraphQL field name .*e\.g\. wechatAppId$/)]);
  });

  it.each(['id', 'cloudEnvironments'])('refuses %s, a field Merchant already has here', (field) => {
    expect(problemsOf({ MERCHANT_AUTHORIZER_FIELD: field })).toEqual([
      "MERCHANT_AUTHORIZER_FIELD cannot be id or cloudEnvironments (Merchant's key and the field this subgraph adds): name the merchants subgraph's field that holds the appid, e.g. wechatAppId",
    ]);
  });
});

describe('AUTHORIZERS_FILE with MERCHANT_AUTHORIZER_FIELD', () => {
  it('is not needed with the platform’s tokens: in production, with neither the file nor REDIS_URL, the subgraph keeps nothing', () => {
    const config = loadConfig({ ...PRODUCTION, MERCHANT_AUTHORIZER_FIELD: 'wechatAppId', ...platformService });
    expect({ file: config.authorizersFile, redis: config.store.redis, source: config.tokens.source }).toEqual({ file: undefined, redis: undefined, source: 'platform' });
  });

  it('is still needed without a Redis store for tokens minted here, which need refresh tokens from somewhere: the message says so', () => {
    for (const env of [{ ...PRODUCTION }, { WECHAT_API_BASE_URL: 'http://127.0.0.1:9000' }]) {
      expect(problemsOf({ ...env, MERCHANT_AUTHORIZER_FIELD: 'wechatAppId' })).toEqual([
        expect.stringMatching(/^AUTHORIZERS_FILE or a Redis store \(REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES\) is required (in production|when WECHAT_API_BASE_URL is set) with MERCHANT_AUTHORIZER_FIELD and TOKEN_SOURCE=own: .*TOKEN_SOURCE=platform/),
      ]);
    }
    expect(loadConfig({ ...PRODUCTION, MERCHANT_AUTHORIZER_FIELD: 'wechatAppId', REDIS_URL: 'redis://127.0.0.1:6379/0' }).authorizersFile).toBeUndefined();
  });

  it('stays required without the field, with the platform’s tokens too: the file is then the registry', () => {
    expect(problemsOf({ ...PRODUCTION, ...platformService })).toEqual([expect.stringMatching(/^AUTHORIZERS_FILE is required in production without a Redis store: /)]);
  });
});
