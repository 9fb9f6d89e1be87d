/**
 * The store's configuration: which Redis topology (a node, a Sentinel group, a Cluster),
 * told apart and checked, for the store and the platform's Redis alike; and
 * REDIS_DURABILITY_CHECK, with its defaults.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadRegistryToolConfig, passwordsOf } from '../../src/config/index.js';
import { PRODUCTION, configProblems } from '../support/config-problems.js';

const problemsOf = configProblems;
/** The store's variables alone, as the CLI reads them (the subgraph's other rules aside: the demo refuses a Redis). */
const storeOf = (env: Record<string, string>) => loadRegistryToolConfig(env).store.redis;
const storeProblemsOf = (env: Record<string, string>) => {
  try {
    loadRegistryToolConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`loadRegistryToolConfig accepted ${JSON.stringify(env)}`);
};
/** Not the demo: WeChat is named, so a Redis is allowed. */
const REAL = { WECHAT_API_BASE_URL: 'https://api.weixin.qq.com', AUTHORIZERS_FILE: 'a.json' };
const SENTINELS = 'sentinel-1:26379, sentinel-2:26379,10.0.0.3:26379';

describe('the store’s Redis', () => {
  it('is a single node with REDIS_URL', () => {
    expect(storeOf({ REDIS_URL: 'rediss://:secret@redis.internal:6380/1' })).toEqual({ kind: 'node', url: 'rediss://:secret@redis.internal:6380/1' });
  });

  it('is a Sentinel group with REDIS_SENTINELS and REDIS_SENTINEL_NAME, with the data nodes’ and the sentinels’ credentials', () => {
    const topology = storeOf({
      REDIS_SENTINELS: SENTINELS,
      REDIS_SENTINEL_NAME: 'cloudenv',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      REDIS_USERNAME: 'subgraph',
      REDIS_PASSWORD: 'data-secret',
      REDIS_TLS: 'true',
    });
    expect(topology).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 'sentinel-1', port: 26379 },
        { host: 'sentinel-2', port: 26379 },
        { host: '10.0.0.3', port: 26379 },
      ],
      name: 'cloudenv',
      sentinelPassword: 'sentinel-secret',
      username: 'subgraph',
      password: 'data-secret',
      tls: true,
    });
  });

  it('is a Cluster with REDIS_CLUSTER_NODES, IPv6 addresses in brackets', () => {
    expect(storeOf({ REDIS_CLUSTER_NODES: 'redis-1:6379,[fd00::7]:6379', REDIS_PASSWORD: 'data-secret' })).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'redis-1', port: 6379 },
        { host: 'fd00::7', port: 6379 },
      ],
      username: undefined,
      password: 'data-secret',
      tls: false,
    });
  });

  it('counts any of the three as a store that holds the registry, so AUTHORIZERS_FILE is optional in production', () => {
    for (const topology of [{ REDIS_URL: 'redis://r:6379' }, { REDIS_SENTINELS: SENTINELS, REDIS_SENTINEL_NAME: 'm' }, { REDIS_CLUSTER_NODES: 'r1:6379' }]) {
      expect(loadConfig({ ...PRODUCTION, ...topology }).authorizersFile).toBeUndefined();
    }
    expect(problemsOf({ ...PRODUCTION })).toEqual([expect.stringContaining('REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES')]);
  });

  it('is refused by the demo, whichever topology: it never touches real data', () => {
    for (const [name, topology] of [['REDIS_URL', { REDIS_URL: 'redis://r:6379' }], ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: 'r1:6379' }]] as const) {
      expect(problemsOf(topology)).toEqual([expect.stringMatching(new RegExp(`^The demo .* refuses ${name}\\.`))]);
    }
  });

  it('is exactly one topology', () => {
    expect(storeProblemsOf({ REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: 'r1:6379' })).toEqual([
      'Set one of REDIS_URL (a single node), REDIS_SENTINELS (a Sentinel group) or REDIS_CLUSTER_NODES (a Cluster), not several: REDIS_URL and REDIS_CLUSTER_NODES are set',
    ]);
  });

  it('names every malformed entry of a host:port list, and never echoes one holding a password', () => {
    const [problem] = storeProblemsOf({ REDIS_CLUSTER_NODES: 'redis-1, redis-2:0,bad_host!:6379,,redis-1:6379,redis-1:6379,:s3cret-pass@redis-3:6379' });
    expect(problem).toBe(
      'REDIS_CLUSTER_NODES must be a comma-separated list of host:port such as redis-1:6379,redis-2:6379,redis-3:6379: ' +
        '"redis-1" has no :port; "redis-2:0" has a port outside 1-65535; entry 3 has no valid host (a name, an IPv4 address or an [IPv6] address); ' +
        'entry 4 is empty; "redis-1:6379" is listed twice; entry 7 has no valid host (a name, an IPv4 address or an [IPv6] address)',
    );
    expect(problem).not.toContain('s3cret');
  });

  it('wants the master group’s name with the sentinels, and the sentinel variables only with them', () => {
    expect(storeProblemsOf({ REDIS_SENTINELS: SENTINELS })).toEqual(['REDIS_SENTINELS needs REDIS_SENTINEL_NAME, the name of the master group the sentinels monitor']);
    expect(storeProblemsOf({ REDIS_URL: 'redis://r:6379', REDIS_SENTINEL_NAME: 'm', REDIS_SENTINEL_PASSWORD: 'x' })).toEqual(['REDIS_SENTINEL_NAME and REDIS_SENTINEL_PASSWORD are only read with REDIS_SENTINELS']);
    expect(storeProblemsOf({ REDIS_SENTINELS: SENTINELS, REDIS_SENTINEL_NAME: 'my master' })).toEqual([expect.stringMatching(/^REDIS_SENTINEL_NAME must be the master group's name/)]);
  });

  it('keeps credentials and TLS of a REDIS_URL in the URL, and never echoes a password', () => {
    const problems = storeProblemsOf({ REDIS_URL: 'redis://r:6379', REDIS_PASSWORD: 'hunter2-data', REDIS_TLS: 'true' });
    expect(problems).toEqual([
      'REDIS_PASSWORD, REDIS_TLS are only read with REDIS_SENTINELS or REDIS_CLUSTER_NODES; REDIS_URL carries its own (rediss://user:password@host:6379 for TLS and a password)',
    ]);
    expect(storeProblemsOf({ REDIS_CLUSTER_NODES: 'r1:6379', REDIS_TLS: 'yes' })).toEqual(['REDIS_TLS must be true or false']);
    expect(problems.join()).not.toContain('hunter2');
    expect(storeProblemsOf({ REDIS_CLUSTER_NODES: 'r1:6379', REDIS_USERNAME: 'subgraph' })).toEqual(['REDIS_USERNAME needs REDIS_PASSWORD']);
  });
});

describe('passwordsOf', () => {
  it('finds every password a topology carries, for the logs to be scrubbed of', () => {
    expect(passwordsOf(storeOf({ REDIS_URL: 'rediss://subgraph:p%40ss-word@r:6379/0' }))).toEqual(['p@ss-word']);
    expect(passwordsOf(storeOf({ REDIS_URL: 'redis://r:6379/0' }))).toEqual([]);
    expect(passwordsOf(storeOf({ REDIS_SENTINELS: SENTINELS, REDIS_SENTINEL_NAME: 'm', REDIS_PASSWORD: 'data', REDIS_SENTINEL_PASSWORD: 'sentinels' }))).toEqual(['data', 'sentinels']);
    expect(passwordsOf(storeOf({ REDIS_CLUSTER_NODES: 'r1:6379', REDIS_PASSWORD: 'data' }))).toEqual(['data']);
  });
});

describe('the platform’s Redis (TOKEN_SOURCE=platform)', () => {
  const platform = { WECHAT_API_BASE_URL: 'https://api.weixin.qq.com', AUTHORIZERS_FILE: 'a.json', TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_REDIS_KEY: 'token:{authorizerAppId}' };

  it('is a Sentinel group or a Cluster as the store’s is, read from the PLATFORM_REDIS_* variables', () => {
    const sentinel = loadConfig({ ...platform, PLATFORM_REDIS_SENTINELS: SENTINELS, PLATFORM_REDIS_SENTINEL_NAME: 'platform', PLATFORM_REDIS_PASSWORD: 'p' });
    expect(sentinel.tokens.platform?.redis?.topology).toMatchObject({ kind: 'sentinel', name: 'platform', password: 'p', tls: false });
    const cluster = loadConfig({ ...platform, PLATFORM_REDIS_CLUSTER_NODES: 'p1:7000,p2:7000', PLATFORM_REDIS_TLS: 'true' });
    expect(cluster.tokens.platform?.redis?.topology).toMatchObject({ kind: 'cluster', nodes: [{ host: 'p1', port: 7000 }, { host: 'p2', port: 7000 }], tls: true });
  });

  it('is the store’s, whatever its topology, when no PLATFORM_REDIS_* topology is set', () => {
    const config = loadConfig({ ...platform, REDIS_CLUSTER_NODES: 'shared-1:6379' });
    expect(config.tokens.platform?.redis?.topology).toEqual(config.store.redis);
  });

  it('is checked as the store’s is, and read only with TOKEN_SOURCE=platform', () => {
    expect(problemsOf({ ...platform, PLATFORM_REDIS_URL: 'redis://p:6379', PLATFORM_REDIS_SENTINELS: 'p:26379', PLATFORM_REDIS_SENTINEL_NAME: 'm' })).toEqual([
      'Set one of PLATFORM_REDIS_URL (a single node), PLATFORM_REDIS_SENTINELS (a Sentinel group) or PLATFORM_REDIS_CLUSTER_NODES (a Cluster), not several: PLATFORM_REDIS_URL and PLATFORM_REDIS_SENTINELS are set',
    ]);
    expect(problemsOf({ ...REAL, PLATFORM_REDIS_CLUSTER_NODES: 'p1:7000' })).toEqual(['PLATFORM_REDIS_CLUSTER_NODES is only read with TOKEN_SOURCE=platform; set it, or unset them']);
    expect(problemsOf({ ...platform })).toEqual([expect.stringMatching(/^PLATFORM_TOKEN_REDIS_KEY needs the Redis it is on: set PLATFORM_REDIS_URL, PLATFORM_REDIS_SENTINELS or PLATFORM_REDIS_CLUSTER_NODES/)]);
  });
});

describe('REDIS_DURABILITY_CHECK', () => {
  it('is fail in production with own tokens, where the store holds refresh tokens, and off otherwise', () => {
    expect(loadConfig({ ...PRODUCTION, REDIS_URL: 'redis://r:6379' }).store.durabilityCheck).toBe('fail');
    expect(loadConfig({ ...REAL, REDIS_URL: 'redis://r:6379' }).store.durabilityCheck).toBe('off');
    const platform = { TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_REDIS_KEY: 'token:{authorizerAppId}' };
    expect(loadConfig({ ...PRODUCTION, REDIS_URL: 'redis://r:6379', ...platform }).store.durabilityCheck).toBe('off');
    expect(loadRegistryToolConfig({ REDIS_URL: 'redis://r:6379' }).store.durabilityCheck).toBe('off'); // the CLI checks nothing
  });

  it('takes fail, warn or off anywhere', () => {
    expect(loadConfig({ ...PRODUCTION, REDIS_URL: 'redis://r:6379', REDIS_DURABILITY_CHECK: 'warn' }).store.durabilityCheck).toBe('warn');
    expect(loadConfig({ ...REAL, REDIS_URL: 'redis://r:6379', REDIS_DURABILITY_CHECK: 'fail' }).store.durabilityCheck).toBe('fail');
    expect(storeProblemsOf({ REDIS_DURABILITY_CHECK: 'strict' })).toEqual([expect.stringMatching(/^REDIS_DURABILITY_CHECK must be fail .*, warn .* or off$/)]);
  });
});
