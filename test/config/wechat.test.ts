/** The WeChat client's resilience settings: their defaults, their ranges, and the rules between them. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { PRODUCTION, RESILIENCE_DEFAULTS, configProblems } from '../support/config-problems.js';

const problemsOf = configProblems;

describe('resilience settings', () => {
  const production = { ...PRODUCTION, AUTHORIZERS_FILE: 'a.json' };

  it("falls back to WeChat's disaster-recovery domain only for the real WeChat", () => {
    expect(loadConfig(production).wechat.fallbackBaseUrl).toBe('https://api2.weixin.qq.com');
    expect(loadConfig({ ...production, WECHAT_API_BASE_URL: 'https://api.weixin.qq.com/' }).wechat.fallbackBaseUrl).toBe('https://api2.weixin.qq.com');
    expect(loadConfig({ ...production, WECHAT_API_BASE_URL: 'http://wechat-proxy.internal' }).wechat.fallbackBaseUrl).toBeUndefined();
    expect(loadConfig({ ...production, WECHAT_API_FALLBACK_BASE_URL: 'none' }).wechat.fallbackBaseUrl).toBeUndefined();
    expect(loadConfig({ ...production, WECHAT_API_FALLBACK_BASE_URL: 'http://127.0.0.1:9001/' }).wechat.fallbackBaseUrl).toBe('http://127.0.0.1:9001');
  });

  it('sizes the bulkhead at an eighth of the pool unless told', () => {
    expect(loadConfig({}).wechat.maxConcurrencyPerAuthorizer).toBe(4);
    expect(loadConfig({ WECHAT_MAX_CONCURRENCY: '4' }).wechat.maxConcurrencyPerAuthorizer).toBe(1);
    expect(loadConfig({ WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER: '6' }).wechat.maxConcurrencyPerAuthorizer).toBe(6);
  });

  it('defaults the back-off and the circuit rule', () => {
    expect(loadConfig({}).wechat).toMatchObject(RESILIENCE_DEFAULTS);
  });

  it.each([
    ['WECHAT_API_FALLBACK_BASE_URL', 'https://api2.weixin.qq.com/cgi-bin'],
    ['WECHAT_CIRCUIT_WINDOW', '1'],
    ['WECHAT_CIRCUIT_MIN_FAILURES', '0'],
    ['WECHAT_CIRCUIT_MIN_AUTHORIZERS', 'many'],
    ['WECHAT_CIRCUIT_FAILURE_PERCENT', '101'],
    ['WECHAT_AUTHORIZER_BACKOFF_BASE_MS', '5'],
    ['WECHAT_AUTHORIZER_BACKOFF_MAX_MS', '-1'],
    ['WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER', '0'],
  ])('names %s when it is out of range', (name, value) => {
    expect(problemsOf({ [name]: value })).toEqual([expect.stringContaining(name)]);
  });

  it('refuses settings that contradict each other, naming both', () => {
    expect(problemsOf({ WECHAT_AUTHORIZER_BACKOFF_BASE_MS: '5000', WECHAT_AUTHORIZER_BACKOFF_MAX_MS: '1000' })).toEqual([
      expect.stringMatching(/WECHAT_AUTHORIZER_BACKOFF_BASE_MS.*WECHAT_AUTHORIZER_BACKOFF_MAX_MS/),
    ]);
    expect(problemsOf({ WECHAT_CIRCUIT_WINDOW: '5', WECHAT_CIRCUIT_MIN_FAILURES: '6' })).toEqual([expect.stringMatching(/WECHAT_CIRCUIT_MIN_FAILURES.*WECHAT_CIRCUIT_WINDOW/)]);
    expect(problemsOf({ WECHAT_MAX_CONCURRENCY: '4', WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER: '5' })).toEqual([
      expect.stringMatching(/WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER.*WECHAT_MAX_CONCURRENCY/),
    ]);
  });
});
