/** The token layer's configuration: refresh timings, and the token source with its platform settings. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { configProblems } from '../support/config-problems.js';

const problemsOf = configProblems;

describe('token refresh timings', () => {
  it('refresh at 85% of a token’s life, backing off from 1 s to 60 s by default', () => {
    expect(loadConfig({}).tokens).toMatchObject({ refreshAtFraction: 0.85, refreshBackoff: { firstMs: 1_000, maxMs: 60_000 } });
  });

  it('reads TOKEN_REFRESH_AT_PERCENT, TOKEN_REFRESH_BACKOFF_MS and TOKEN_REFRESH_MAX_BACKOFF_MS', () => {
    const config = loadConfig({ TOKEN_REFRESH_AT_PERCENT: '50', TOKEN_REFRESH_BACKOFF_MS: '100', TOKEN_REFRESH_MAX_BACKOFF_MS: '800' });
    expect(config.tokens).toMatchObject({ refreshAtFraction: 0.5, refreshBackoff: { firstMs: 100, maxMs: 800 } });
  });

  it('lets a mint’s WeChat calls run ten WECHAT_TIMEOUT_MS under a 15 s lock its holder renews, and a waiting caller that and a lock’s life', () => {
    expect(loadConfig({}).tokens.lock).toEqual({ ttlMs: 15_000, mintBudgetMs: 50_000, waitMs: 65_000, pollMs: 25 });
    expect(loadConfig({ WECHAT_TIMEOUT_MS: '60000' }).tokens.lock).toMatchObject({ mintBudgetMs: 600_000, waitMs: 615_000 });
  });

  it('asks WeChat for a missing ticket after 5 s, backing off to 10 minutes, and reads the authorizer list at most twice at once and once per 10 minutes after', () => {
    expect(loadConfig({}).tokens.recovery).toEqual({
      checkEveryMs: 5_000,
      ticketStaleAfterMs: 1_800_000,
      ticketExpiresAfterMs: 43_200_000,
      ticketAskFirstMs: 5_000,
      ticketAskMaxMs: 600_000,
      listPassBurst: 2,
      listPassRefillMs: 600_000,
    });
  });

  it('refuses a refresh point outside 10–95% and a ceiling below the first back-off', () => {
    expect(problemsOf({ TOKEN_REFRESH_AT_PERCENT: '99' })).toEqual(['TOKEN_REFRESH_AT_PERCENT must be a whole number from 10 to 95, got "99"']);
    expect(problemsOf({ TOKEN_REFRESH_BACKOFF_MS: '5000', TOKEN_REFRESH_MAX_BACKOFF_MS: '1000' })).toEqual([
      expect.stringMatching(/^TOKEN_REFRESH_MAX_BACKOFF_MS \(1000\) must be at least TOKEN_REFRESH_BACKOFF_MS \(5000\)/),
    ]);
  });
});

describe('TOKEN_SOURCE', () => {
  const real = { WECHAT_API_BASE_URL: 'https://api.weixin.qq.com', AUTHORIZERS_FILE: 'authorizers.json' };

  it('is own by default, with no platform settings', () => {
    expect(loadConfig({}).tokens).toMatchObject({ source: 'own', platform: undefined });
  });

  it('reads the platform’s Redis: the key template on PLATFORM_REDIS_URL, with the record layout and timings', () => {
    const config = loadConfig({
      ...real,
      TOKEN_SOURCE: 'platform',
      PLATFORM_TOKEN_REDIS_KEY: 'wxa:{componentAppId}:token:{authorizerAppId}',
      PLATFORM_REDIS_URL: 'redis://platform:6379/3',
      REDIS_URL: 'redis://ours:6379/0',
      WECHAT_COMPONENT_APPID: 'wx0123456789abcdef',
      WECHAT_COMPONENT_APPSECRET: 'unused-here',
      PLATFORM_TOKEN_FIELD: 'access_token',
      PLATFORM_TOKEN_EXPIRES_AT_FIELD: 'expire_time',
      PLATFORM_TOKEN_REUSE_MS: '30000',
      PLATFORM_TOKEN_BACKOFF_MS: '5000',
    });
    expect(config.tokens.source).toBe('platform');
    expect(config.tokens.platform).toEqual({
      redis: { topology: { kind: 'node', url: 'redis://platform:6379/3' }, keyTemplate: 'wxa:{componentAppId}:token:{authorizerAppId}' },
      http: undefined,
      componentAppId: 'wx0123456789abcdef',
      tokenField: 'access_token',
      expiresAtField: 'expire_time',
      reuseMs: 30_000,
      rejectedBackoffMs: 5_000,
    });
  });

  it('reads the platform’s Redis at REDIS_URL when PLATFORM_REDIS_URL is unset, with the default layout', () => {
    const config = loadConfig({ ...real, TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_REDIS_KEY: 'token:{authorizerAppId}', REDIS_URL: 'redis://shared:6379/0' });
    expect(config.tokens.platform).toMatchObject({
      redis: { topology: { kind: 'node', url: 'redis://shared:6379/0' } },
      tokenField: 'authorizer_access_token',
      expiresAtField: 'expires_at',
      reuseMs: 60_000,
      rejectedBackoffMs: 30_000,
    });
  });

  it('reads the platform’s token service with its secret', () => {
    const config = loadConfig({ ...real, TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_URL: 'https://platform.internal/authorizers/{authorizerAppId}/token', PLATFORM_TOKEN_SECRET: 's3cret-bearer' });
    expect(config.tokens.platform).toMatchObject({ redis: undefined, http: { urlTemplate: 'https://platform.internal/authorizers/{authorizerAppId}/token', secret: 's3cret-bearer' } });
  });

  it('stops start-up when neither place is given, naming both variables', () => {
    expect(problemsOf({ ...real, TOKEN_SOURCE: 'platform' })).toEqual([expect.stringMatching(/^TOKEN_SOURCE=platform needs .*PLATFORM_TOKEN_REDIS_KEY.*PLATFORM_TOKEN_URL/)]);
  });

  it('stops start-up when both places are given', () => {
    const problems = problemsOf({ ...real, TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_REDIS_KEY: 'k:{authorizerAppId}', REDIS_URL: 'redis://r:6379', PLATFORM_TOKEN_URL: 'http://p/{authorizerAppId}', PLATFORM_TOKEN_SECRET: 'x' });
    expect(problems).toEqual(['TOKEN_SOURCE=platform reads from one place: set PLATFORM_TOKEN_REDIS_KEY or PLATFORM_TOKEN_URL, not both']);
  });

  it('names what each place is missing, all at once', () => {
    const problems = problemsOf({ ...real, TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_REDIS_KEY: 'token:{componentAppId}' });
    // The platform's own rules first, then those it shares with the store and the component.
    expect(problems).toEqual([
      expect.stringContaining('PLATFORM_TOKEN_REDIS_KEY must contain {authorizerAppId}'),
      expect.stringContaining('PLATFORM_TOKEN_REDIS_KEY needs the Redis it is on: set PLATFORM_REDIS_URL'),
      expect.stringContaining('PLATFORM_TOKEN_REDIS_KEY uses {componentAppId}: set WECHAT_COMPONENT_APPID'),
    ]);
    expect(problemsOf({ ...real, TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_URL: 'https://p.internal/token' })).toEqual([
      expect.stringContaining('PLATFORM_TOKEN_URL must contain {authorizerAppId}'),
      expect.stringContaining('PLATFORM_TOKEN_URL needs PLATFORM_TOKEN_SECRET'),
    ]);
  });

  it('refuses unknown placeholders, an unknown TOKEN_SOURCE, a reuse beyond a minute, and platform settings without TOKEN_SOURCE=platform', () => {
    expect(problemsOf({ ...real, TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_REDIS_KEY: 'token:{appid}:{authorizerAppId}', REDIS_URL: 'redis://r:6379' })).toEqual([
      'PLATFORM_TOKEN_REDIS_KEY may only use the placeholders {authorizerAppId} and {componentAppId}',
    ]);
    expect(problemsOf({ TOKEN_SOURCE: 'theirs' })).toEqual([expect.stringMatching(/^TOKEN_SOURCE must be own .* or platform/)]);
    expect(problemsOf({ PLATFORM_TOKEN_REUSE_MS: '120000' })).toEqual(['PLATFORM_TOKEN_REUSE_MS must be a whole number from 0 to 60000, got "120000"']);
    expect(problemsOf({ ...real, PLATFORM_TOKEN_URL: 'http://p/{authorizerAppId}', PLATFORM_TOKEN_SECRET: 'x' })).toEqual([
      'PLATFORM_TOKEN_URL, PLATFORM_TOKEN_SECRET are only read with TOKEN_SOURCE=platform; set it, or unset them',
    ]);
  });

  it('refuses platform mode against the demo’s simulated WeChat, naming what to set', () => {
    expect(problemsOf({ TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_URL: 'http://p/{authorizerAppId}', PLATFORM_TOKEN_SECRET: 'x' })).toEqual([
      expect.stringMatching(/^The demo .* refuses TOKEN_SOURCE=platform, PLATFORM_TOKEN_URL, PLATFORM_TOKEN_SECRET\. .*set WECHAT_API_BASE_URL=https:\/\/api\.weixin\.qq\.com/),
    ]);
  });

  it('refuses the event receiver in platform mode: the platform receives the pushes and owns the tokens', () => {
    const receiver = { WECHAT_COMPONENT_APPID: 'wx0123456789abcdef', WECHAT_COMPONENT_APPSECRET: 's'.repeat(32), WECHAT_COMPONENT_MESSAGE_TOKEN: 'token123', WECHAT_COMPONENT_ENCODING_AES_KEY: 'a'.repeat(43) };
    expect(problemsOf({ ...real, ...receiver, TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_URL: 'http://p/{authorizerAppId}', PLATFORM_TOKEN_SECRET: 'x' })).toEqual([
      expect.stringContaining('TOKEN_SOURCE=platform leaves WeChat\'s pushes to the platform'),
    ]);
  });
});
