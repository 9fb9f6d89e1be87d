/** The token layer's configuration: refresh timings, and the token source with its platform settings. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('token refresh timings', () => {
  it('refresh at 85% of a token’s life, backing off from 1 s to 60 s by default', () => {
    expect(loadConfig({}).tokens).toMatchObject({ refreshAtFraction: 0.85, refreshBackoff: { firstMs: 1_000, maxMs: 60_000 } });
  });

  it('reads TOKEN_REFRESH_AT_PERCENT, TOKEN_REFRESH_BACKOFF_MS and TOKEN_REFRESH_MAX_BACKOFF_MS', () => {
    const config = loadConfig({ TOKEN_REFRESH_AT_PERCENT: '50', TOKEN_REFRESH_BACKOFF_MS: '100', TOKEN_REFRESH_MAX_BACKOFF_MS: '800' });
    expect(config.tokens).toMatchObject({ refreshAtFraction: 0.5, refreshBackoff: { firstMs: 100, maxMs: 800 } });
  });

  it('refuses a refresh point outside 10–95% and a ceiling below the first back-off', () => {
    expect(problemsOf({ TOKEN_REFRESH_AT_PERCENT: '99' })).toEqual(['TOKEN_REFRESH_AT_PERCENT must be a whole number from 10 to 95, got "99"']);
    expect(problemsOf({ TOKEN_REFRESH_BACKOFF_MS: '5000', TOKEN_REFRESH_MAX_BACKOFF_MS: '1000' })).toEqual([
      expect.stringMatching(/^TOKEN_REFRESH_MAX_BACKOFF_MS \(1000\) must be at least TOKEN_REFRESH_BACKOFF_MS \(5000\)/),
    ]);
  });
});
