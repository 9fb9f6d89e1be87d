/** loadConfig as a whole: its defaults, every variable read into one frozen object, every problem named at once. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { PRODUCTION, RESILIENCE_DEFAULTS, configProblems } from '../support/config-problems.js';

const problemsOf = configProblems;
/** A WeChat outside the demo, which refuses real credentials and Redis. */
const REAL_WECHAT = { WECHAT_API_BASE_URL: 'http://127.0.0.1:9000', AUTHORIZERS_FILE: 'a.json' };

describe('loadConfig defaults', () => {
  it('runs in demo mode when no WeChat URL is set outside production', () => {
    expect(loadConfig({}).demo).toBe(true);
  });

  it('leaves the base URL to the simulator in demo mode', () => {
    expect(loadConfig({}).wechat.baseUrl).toBeUndefined();
  });

  it('listens on port 4001 on every interface outside the demo, the event receiver beside GraphQL', () => {
    const config = loadConfig({ WECHAT_API_BASE_URL: 'http://127.0.0.1:9000', AUTHORIZERS_FILE: 'a.json' });
    expect({ port: config.port, host: config.host, events: config.events }).toEqual({ port: 4001, host: '0.0.0.0', events: undefined });
  });

  it('listens on loopback in the demo, unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('checks the shared dependencies every 5 s', () => {
    expect(loadConfig({}).dependencyCheckIntervalMs).toBe(5000);
  });

  it('gives WeChat calls 5000 ms and 64 connections', () => {
    expect(loadConfig({}).wechat).toMatchObject({ timeoutMs: 5000, maxConnections: 64 });
  });

  it('defaults to development and log level info', () => {
    const config = loadConfig({});
    expect({ nodeEnv: config.nodeEnv, logLevel: config.logLevel }).toEqual({ nodeEnv: 'development', logLevel: 'info' });
  });

  it('does not require AUTHORIZERS_FILE in demo mode', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).authorizersFile).toBeUndefined();
  });

  it('treats blank values as unset', () => {
    const config = loadConfig({ PORT: '', WECHAT_TIMEOUT_MS: '  ', WECHAT_API_BASE_URL: ' ' });
    expect({ port: config.port, timeoutMs: config.wechat.timeoutMs, demo: config.demo }).toEqual({ port: 4001, timeoutMs: 5000, demo: true });
  });
});

describe('loadConfig with values', () => {
  it('reads every variable', () => {
    const config = loadConfig({
      NODE_ENV: 'development',
      PORT: '8080',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      WECHAT_API_BASE_URL: 'http://127.0.0.1:9000',
      WECHAT_TIMEOUT_MS: '250',
      WECHAT_MAX_CONNECTIONS: '8',
      AUTHORIZERS_FILE: '/etc/subgraph/authorizers.json',
      REDIS_URL: 'redis://127.0.0.1:6379/2',
      WECHAT_REDIS_PREFIX: 'cloudenv:staging:',
      WECHAT_COMPONENT_APPID: 'wx0123456789abcdef',
      WECHAT_COMPONENT_APPSECRET: 'component-secret',
      WECHAT_COMPONENT_VERIFY_TICKET: 'ticket@@@dev',
      CLOUDENV_CACHE_TTL_MS: '1500',
      CLOUDENV_STALE_WHILE_REVALIDATE_MS: '30000',
      CLOUDENV_STALE_IF_ERROR_MS: '3600000',
      CLOUDENV_CACHE_MAX_AUTHORIZERS: '1000',
      CLOUDENV_CACHE_MAX_MB: '8',
      WECHAT_MAX_CONCURRENCY: '16',
      WECHAT_MAX_QUEUE: '100',
      WECHAT_CIRCUIT_RESET_MS: '2000',
      REQUEST_DEADLINE_MS: '3000',
      SHUTDOWN_TIMEOUT_MS: '5000',
      MAX_BODY_BYTES: '65536',
      MAX_ENTITIES: '200',
      MAX_QUERY_DEPTH: '8',
      MAX_CLOUD_ENVIRONMENT_FIELDS: '10',
      ROUTER_SECRET: 'a-router-secret-of-32-characters',
      INTROSPECTION: 'true',
      DEPENDENCY_CHECK_INTERVAL_MS: '2000',
    });
    expect(config).toEqual({
      nodeEnv: 'development',
      port: 8080,
      host: '127.0.0.1',
      events: undefined,
      dependencyCheckIntervalMs: 2000,
      logLevel: 'debug',
      demo: false,
      wechat: {
        baseUrl: 'http://127.0.0.1:9000',
        timeoutMs: 250,
        maxConnections: 8,
        maxConcurrency: 16,
        maxQueue: 100,
        circuitResetMs: 2000,
        ...RESILIENCE_DEFAULTS,
        maxConcurrencyPerAuthorizer: 2,
      },
      limits: { requestDeadlineMs: 3000, maxBodyBytes: 65536, maxEntities: 200, maxQueryDepth: 8, maxCloudEnvironmentFields: 10 },
      cacheTtlMs: 1500,
      answerCache: { staleWhileRevalidateMs: 30000, staleIfErrorMs: 3600000, maxAuthorizers: 1000, maxBytes: 8 * 1024 * 1024 },
      routerSecret: 'a-router-secret-of-32-characters',
      introspection: true,
      authorization: { router: false, subgraph: undefined, scope: 'merchant:cloud-environments:read' },
      shutdownTimeoutMs: 5000,
      authorizersFile: '/etc/subgraph/authorizers.json',
      component: { appId: 'wx0123456789abcdef', appSecret: 'component-secret' },
      verifyTicket: 'ticket@@@dev',
      store: { redis: { kind: 'node', url: 'redis://127.0.0.1:6379/2' }, prefix: 'cloudenv:staging:', durabilityCheck: 'off' },
      tokens: {
        refreshAtFraction: 0.85,
        refreshBackoff: { firstMs: 1000, maxMs: 60000 },
        // Ten WECHAT_TIMEOUT_MS for a mint's calls; a waiting caller that and a lock's life.
        lock: { ttlMs: 15000, mintBudgetMs: 2500, waitMs: 17500, pollMs: 25 },
        recovery: loadConfig({}).tokens.recovery,
        source: 'own',
        platform: undefined,
      },
    });
  });

  it('turns introspection off in production unless INTROSPECTION=true', () => {
    expect(loadConfig({ ...PRODUCTION, AUTHORIZERS_FILE: 'a.json' }).introspection).toBe(false);
    expect(loadConfig({ ...PRODUCTION, AUTHORIZERS_FILE: 'a.json', INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(loadConfig({}).introspection).toBe(true);
  });

  it('refuses a ROUTER_SECRET too short to be a secret', () => {
    expect(problemsOf({ ROUTER_SECRET: 'short' })).toEqual([expect.stringContaining('ROUTER_SECRET must be at least 16 characters')]);
  });

  it('keeps everything in memory under the wechat: prefix by default', () => {
    expect(loadConfig({}).store).toEqual({ redis: undefined, prefix: 'wechat:', durabilityCheck: 'off' });
  });

  it('needs no AUTHORIZERS_FILE when Redis holds the registry', () => {
    expect(loadConfig({ ...PRODUCTION, REDIS_URL: 'redis://127.0.0.1:6379' }).authorizersFile).toBeUndefined();
  });

  it('wants the component appid and secret together', () => {
    expect(problemsOf({ ...REAL_WECHAT, WECHAT_COMPONENT_APPID: 'wx0123456789abcdef' })).toEqual([
      expect.stringContaining('WECHAT_COMPONENT_APPID and WECHAT_COMPONENT_APPSECRET go together'),
    ]);
  });

  it.each([
    ['REDIS_URL', 'http://127.0.0.1:6379', {}],
    ['WECHAT_REDIS_PREFIX', 'has space', {}],
    ['WECHAT_COMPONENT_APPID', 'wxNOTHEX', { ...REAL_WECHAT, WECHAT_COMPONENT_APPSECRET: 'component-secret' }],
  ])('names %s when it is malformed', (name, value, others) => {
    expect(problemsOf({ [name]: value, ...others })).toEqual([expect.stringContaining(name)]);
  });

  it('drops a trailing slash from the WeChat URL', () => {
    expect(loadConfig({ WECHAT_API_BASE_URL: 'https://api.weixin.qq.com/', AUTHORIZERS_FILE: 'a.json' }).wechat.baseUrl).toBe(
      'https://api.weixin.qq.com',
    );
  });

  it('requires AUTHORIZERS_FILE once a WeChat URL is set outside production', () => {
    expect(problemsOf({ WECHAT_API_BASE_URL: 'http://127.0.0.1:9000' })).toEqual([expect.stringContaining('AUTHORIZERS_FILE')]);
  });

  it('calls WeChat itself in production when no URL is set', () => {
    const config = loadConfig({ ...PRODUCTION, AUTHORIZERS_FILE: '/etc/subgraph/authorizers.json' });
    expect({ demo: config.demo, baseUrl: config.wechat.baseUrl }).toEqual({ demo: false, baseUrl: 'https://api.weixin.qq.com' });
  });

  it('requires AUTHORIZERS_FILE in production', () => {
    expect(problemsOf(PRODUCTION)).toEqual([expect.stringMatching(/^AUTHORIZERS_FILE is required in production/)]);
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.wechat)).toBe(true);
  });

  it('ignores changes attempted on the result', () => {
    const config = loadConfig({});
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

describe('loadConfig refusing bad values', () => {
  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '65536' }],
    ['PORT', { PORT: '80.5' }],
    ['PORT', { PORT: '-1' }],
    ['WECHAT_TIMEOUT_MS', { WECHAT_TIMEOUT_MS: '0' }],
    ['WECHAT_TIMEOUT_MS', { WECHAT_TIMEOUT_MS: '60001' }],
    ['WECHAT_MAX_CONNECTIONS', { WECHAT_MAX_CONNECTIONS: '0' }],
    ['WECHAT_API_BASE_URL', { WECHAT_API_BASE_URL: 'ftp://x', AUTHORIZERS_FILE: 'a.json' }],
    ['WECHAT_API_BASE_URL', { WECHAT_API_BASE_URL: 'https://api.weixin.qq.com/tcb', AUTHORIZERS_FILE: 'a.json' }],
    ['WECHAT_API_BASE_URL', { WECHAT_API_BASE_URL: 'https://api.weixin.qq.com?x=1', AUTHORIZERS_FILE: 'a.json' }],
    ['WECHAT_API_BASE_URL', { WECHAT_API_BASE_URL: 'api.weixin.qq.com', AUTHORIZERS_FILE: 'a.json' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
  ] as const)('names %s when it is %j', (variable, env) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(variable);
  });

  it('quotes the value it refused', () => {
    expect(problemsOf({ PORT: 'abc' })).toEqual(['PORT must be a whole number from 0 to 65535, got "abc"']);
  });

  it('reports several problems at once', () => {
    const problems = problemsOf({ PORT: 'abc', WECHAT_TIMEOUT_MS: '0', NODE_ENV: 'staging', LOG_LEVEL: 'loud' });
    expect(problems).toHaveLength(4);
    for (const variable of ['PORT', 'WECHAT_TIMEOUT_MS', 'NODE_ENV', 'LOG_LEVEL']) {
      expect(problems.some((problem) => problem.includes(variable))).toBe(true);
    }
  });

  it('lists every problem in the error message', () => {
    try {
      loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/^Invalid configuration:\n {2}- .*PORT.*\n {2}- .*LOG_LEVEL/);
    }
  });

  it('reports a missing AUTHORIZERS_FILE together with a bad value', () => {
    const problems = problemsOf({ ...PRODUCTION, PORT: 'abc' });
    expect(problems).toEqual([expect.stringContaining('PORT'), expect.stringContaining('AUTHORIZERS_FILE')]);
  });

  it('reports a rule broken by good values beside a bad value of the same concern', () => {
    expect(problemsOf({ WECHAT_TIMEOUT_MS: '0', WECHAT_CIRCUIT_WINDOW: '5', WECHAT_CIRCUIT_MIN_FAILURES: '6' })).toEqual([
      'WECHAT_TIMEOUT_MS must be a whole number from 1 to 60000, got "0"',
      expect.stringMatching(/^WECHAT_CIRCUIT_MIN_FAILURES \(6\) must not exceed WECHAT_CIRCUIT_WINDOW \(5\)/),
    ]);
  });

  it('skips a rule whose inputs failed to parse, rather than judging it on a default', () => {
    expect(problemsOf({ WECHAT_AUTHORIZER_BACKOFF_BASE_MS: 'soon', WECHAT_AUTHORIZER_BACKOFF_MAX_MS: '500' })).toEqual([
      'WECHAT_AUTHORIZER_BACKOFF_BASE_MS must be a whole number from 10 to 600000, got "soon"',
    ]);
    expect(problemsOf({ TOKEN_SOURCE: 'theirs', PLATFORM_TOKEN_URL: 'http://p/{authorizerAppId}', PLATFORM_TOKEN_SECRET: 'x' })).toEqual([
      expect.stringMatching(/^TOKEN_SOURCE must be own/),
    ]);
  });
});
