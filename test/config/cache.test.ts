/** The getEnvInfo cache's configuration: the TTL, the two stale windows and the memory copy's bounds. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { configProblems } from '../support/config-problems.js';

const problemsOf = configProblems;

describe('the getEnvInfo cache settings', () => {
  it('keep an answer fresh 3 s, serve it at once a minute longer while it is refreshed, and stand it in for a failure a day longer', () => {
    const config = loadConfig({});
    expect(config.cacheTtlMs).toBe(3_000);
    expect(config.answerCache).toEqual({ staleWhileRevalidateMs: 60_000, staleIfErrorMs: 86_400_000, maxAuthorizers: 50_000, maxBytes: 64 * 1024 * 1024 });
  });

  it('turn each window off at 0', () => {
    const config = loadConfig({ CLOUDENV_CACHE_TTL_MS: '0', CLOUDENV_STALE_WHILE_REVALIDATE_MS: '0', CLOUDENV_STALE_IF_ERROR_MS: '0' });
    expect(config.cacheTtlMs).toBe(0);
    expect(config.answerCache).toMatchObject({ staleWhileRevalidateMs: 0, staleIfErrorMs: 0 });
  });

  it.each([
    ['CLOUDENV_STALE_WHILE_REVALIDATE_MS', '86400001', 'from 0 to 86400000'],
    ['CLOUDENV_STALE_IF_ERROR_MS', '604800001', 'from 0 to 604800000'],
    ['CLOUDENV_STALE_IF_ERROR_MS', '1h', 'from 0 to 604800000'],
    ['CLOUDENV_CACHE_MAX_AUTHORIZERS', '0', 'from 1 to 10000000'],
    ['CLOUDENV_CACHE_MAX_MB', '65537', 'from 1 to 65536'],
  ])('names %s=%s and its range', (name, value, range) => {
    expect(problemsOf({ [name]: value })).toEqual([`${name} must be a whole number ${range}, got "${value}"`]);
  });

  it('names every bad one at once', () => {
    expect(problemsOf({ CLOUDENV_STALE_WHILE_REVALIDATE_MS: '-1', CLOUDENV_STALE_IF_ERROR_MS: 'a day' })).toEqual([
      expect.stringContaining('CLOUDENV_STALE_WHILE_REVALIDATE_MS'),
      expect.stringContaining('CLOUDENV_STALE_IF_ERROR_MS'),
    ]);
  });
});
