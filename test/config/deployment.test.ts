/**
 * What a deployment must get right before it serves anyone: production closed by default,
 * the event receiver on its own listener, credentials only over TLS, and a demo that
 * refuses anything real.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config/index.js';
import { PRODUCTION, configProblems } from '../support/config-problems.js';

const problemsOf = configProblems;
const OPEN_PRODUCTION = { NODE_ENV: 'production', AUTHORIZERS_FILE: 'a.json' };
const RECEIVER = {
  WECHAT_COMPONENT_APPID: 'wx0123456789abcdef',
  WECHAT_COMPONENT_APPSECRET: 'component-secret',
  WECHAT_COMPONENT_MESSAGE_TOKEN: 'msgToken1',
  WECHAT_COMPONENT_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
const JWKS = 'https://idp.example.com/.well-known/jwks.json';

describe('production is closed by default', () => {
  it('refuses to start with neither ROUTER_SECRET nor AUTHORIZATION, naming both and the opt-out', () => {
    const [problem, ...others] = problemsOf(OPEN_PRODUCTION);
    expect(others).toEqual([]);
    expect(problem).toMatch(/^Production does not start open: with neither ROUTER_SECRET nor AUTHORIZATION set/);
    expect(problem).toContain('AUTHORIZATION=subgraph');
    expect(problem).toContain('ALLOW_OPEN_ACCESS=true');
  });

  it('refuses AUTHORIZATION=router without ROUTER_SECRET: a caller that skips the router is checked by nobody', () => {
    expect(problemsOf({ ...OPEN_PRODUCTION, AUTHORIZATION: 'router' })).toEqual([
      expect.stringMatching(/^AUTHORIZATION=router without ROUTER_SECRET leaves production open: .*reaches this port directly skips the router.*ALLOW_OPEN_ACCESS=true/),
    ]);
  });

  it.each([
    ['ROUTER_SECRET', { ROUTER_SECRET: 'a-router-secret-of-32-characters' }],
    ['AUTHORIZATION=router with ROUTER_SECRET', { AUTHORIZATION: 'router', ROUTER_SECRET: 'a-router-secret-of-32-characters' }],
    ['AUTHORIZATION=subgraph', { AUTHORIZATION: 'subgraph', AUTH_JWKS_URL: JWKS }],
    ['ALLOW_OPEN_ACCESS=true', { ALLOW_OPEN_ACCESS: 'true' }],
  ])('starts with %s', (_guard, env) => {
    expect(loadConfig({ ...OPEN_PRODUCTION, ...env }).nodeEnv).toBe('production');
  });

  it('takes ALLOW_OPEN_ACCESS=false for what it says, and nothing but true or false', () => {
    expect(problemsOf({ ...OPEN_PRODUCTION, ALLOW_OPEN_ACCESS: 'false' })).toEqual([expect.stringMatching(/^Production does not start open/)]);
    expect(problemsOf({ ...OPEN_PRODUCTION, ALLOW_OPEN_ACCESS: 'yes' })).toEqual(['ALLOW_OPEN_ACCESS must be true or false']);
  });

  it('leaves development open, as the demo needs', () => {
    expect(loadConfig({}).routerSecret).toBeUndefined();
  });
});

describe('the event receiver on its own listener', () => {
  const production = { ...PRODUCTION, AUTHORIZERS_FILE: 'a.json', ...RECEIVER };

  it('requires EVENTS_PORT in production with the receiver on', () => {
    expect(problemsOf(production)).toEqual([expect.stringMatching(/^EVENTS_PORT is required in production with the event receiver on .*the only port to expose/)]);
  });

  it('serves the receiver on EVENTS_PORT, on HOST unless EVENTS_HOST says otherwise', () => {
    expect(loadConfig({ ...production, EVENTS_PORT: '4002' }).events).toEqual({ port: 4002, host: '0.0.0.0' });
    expect(loadConfig({ ...production, EVENTS_PORT: '4002', HOST: '127.0.0.1', EVENTS_HOST: '0.0.0.0' }).events).toEqual({ port: 4002, host: '0.0.0.0' });
  });

  it('keeps the receiver beside GraphQL in development unless EVENTS_PORT is set, and in the demo on loopback', () => {
    expect(loadConfig({ WECHAT_API_BASE_URL: 'http://127.0.0.1:9000', AUTHORIZERS_FILE: 'a.json', ...RECEIVER }).events).toBeUndefined();
    expect(loadConfig({ EVENTS_PORT: '0' }).events).toEqual({ port: 0, host: '127.0.0.1' });
  });

  it.each([
    ['EVENTS_PORT without the receiver', { ...PRODUCTION, AUTHORIZERS_FILE: 'a.json', EVENTS_PORT: '4002' }, /^EVENTS_PORT is set but the event receiver is off/],
    ['EVENTS_HOST without EVENTS_PORT', { EVENTS_HOST: '0.0.0.0' }, /^EVENTS_HOST is only read with EVENTS_PORT/],
    ['EVENTS_PORT equal to PORT', { ...production, PORT: '4001', EVENTS_PORT: '4001' }, /^EVENTS_PORT \(4001\) must differ from PORT/],
    ['EVENTS_PORT out of range', { ...production, EVENTS_PORT: '70000' }, /^EVENTS_PORT must be a whole number from 0 to 65535/],
  ])('refuses %s', (_case, env, problem) => {
    expect(problemsOf(env)).toEqual([expect.stringMatching(problem)]);
  });
});

describe('credentials only over TLS in production', () => {
  const platform = { ...PRODUCTION, AUTHORIZERS_FILE: 'a.json', TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_SECRET: 'platform-secret' };
  const subgraph = { ...PRODUCTION, AUTHORIZERS_FILE: 'a.json', AUTHORIZATION: 'subgraph' };

  it('refuses plain-HTTP AUTH_JWKS_URL and PLATFORM_TOKEN_URL, naming the origin and never the path or query', () => {
    expect(problemsOf({ ...subgraph, AUTH_JWKS_URL: 'http://idp.example.com/jwks.json?key=k-secret' })).toEqual([
      'In production AUTH_JWKS_URL must be https:// (or http:// to a loopback sidecar: 127.0.0.1, ::1, localhost), got http://idp.example.com: over plain HTTP the key set can be swapped in transit, and tokens signed with the swapped key accepted',
    ]);
    const [problem, ...others] = problemsOf({ ...platform, PLATFORM_TOKEN_URL: 'http://platform.internal/authorizers/{authorizerAppId}/token' });
    expect(others).toEqual([]);
    expect(problem).toMatch(/^In production PLATFORM_TOKEN_URL must be https:\/\/ .*got http:\/\/platform\.internal: over plain HTTP PLATFORM_TOKEN_SECRET and every token travel in clear$/);
  });

  it.each(['http://127.0.0.1:9000', 'http://127.8.0.1:9000', 'http://localhost:9000', 'http://[::1]:9000', 'https://idp.example.com'])('accepts %s', (origin) => {
    expect(loadConfig({ ...subgraph, AUTH_JWKS_URL: `${origin}/jwks.json` }).authorization.subgraph?.jwksUrl).toBe(`${origin}/jwks.json`);
    expect(loadConfig({ ...platform, PLATFORM_TOKEN_URL: `${origin}/{authorizerAppId}` }).tokens.platform?.http?.urlTemplate).toBe(`${origin}/{authorizerAppId}`);
  });

  it('leaves plain HTTP to development, where identity providers and platforms are stand-ins', () => {
    expect(loadConfig({ WECHAT_API_BASE_URL: 'http://127.0.0.1:9000', AUTHORIZERS_FILE: 'a.json', AUTHORIZATION: 'subgraph', AUTH_JWKS_URL: 'http://idp.test/jwks.json' }).authorization.subgraph).toBeDefined();
  });

  it('bounds the key set fetch at AUTH_JWKS_TIMEOUT_MS, 5000 ms unless told', () => {
    expect(loadConfig({ ...subgraph, AUTH_JWKS_URL: JWKS }).authorization.subgraph?.jwksTimeoutMs).toBe(5000);
    expect(loadConfig({ ...subgraph, AUTH_JWKS_URL: JWKS, AUTH_JWKS_TIMEOUT_MS: '800' }).authorization.subgraph?.jwksTimeoutMs).toBe(800);
    expect(problemsOf({ ...subgraph, AUTH_JWKS_URL: JWKS, AUTH_JWKS_TIMEOUT_MS: '0' })).toEqual(['AUTH_JWKS_TIMEOUT_MS must be a whole number from 100 to 60000, got "0"']);
  });
});

describe('a demo that cannot touch real data', () => {
  it.each([
    ['REDIS_URL', 'redis://127.0.0.1:6379/0'],
    ['WECHAT_COMPONENT_APPSECRET', 'component-secret'],
    ['WECHAT_COMPONENT_VERIFY_TICKET', 'ticket@@@real'],
    ['WECHAT_COMPONENT_ENCODING_AES_KEY', RECEIVER.WECHAT_COMPONENT_ENCODING_AES_KEY],
    ['PLATFORM_REDIS_URL', 'redis://platform:6379/0'],
  ])('refuses %s, saying how to reach WeChat or a simulator instead', (name, value) => {
    const problems = problemsOf({ [name]: value });
    const demo = problems.find((problem) => problem.startsWith('The demo'));
    expect(demo).toContain(`it refuses ${name}.`);
    expect(demo).toContain('WECHAT_API_BASE_URL=https://api.weixin.qq.com (or NODE_ENV=production)');
    expect(demo).toContain('`npm run simulator`');
    expect(demo).not.toContain(value);
  });

  it('names everything it refuses in one problem', () => {
    expect(problemsOf({ REDIS_URL: 'redis://127.0.0.1:6379/0', ...RECEIVER })).toEqual([
      expect.stringContaining(
        'it refuses REDIS_URL, WECHAT_COMPONENT_APPID, WECHAT_COMPONENT_APPSECRET, WECHAT_COMPONENT_MESSAGE_TOKEN, WECHAT_COMPONENT_ENCODING_AES_KEY.',
      ),
    ]);
  });

  it('takes them all once a WeChat is named', () => {
    expect(loadConfig({ WECHAT_API_BASE_URL: 'http://127.0.0.1:9000', REDIS_URL: 'redis://127.0.0.1:6379/0', ...RECEIVER }).demo).toBe(false);
  });
});

describe('the variables the configuration reads', () => {
  it('are listed from the models themselves', () => {
    expect(CONFIG_VARIABLES).toEqual(expect.arrayContaining(['PORT', 'EVENTS_PORT', 'EVENTS_HOST', 'ALLOW_OPEN_ACCESS', 'AUTH_JWKS_TIMEOUT_MS', 'DEPENDENCY_CHECK_INTERVAL_MS']));
    expect(CONFIG_VARIABLES).not.toContain('OTEL_SERVICE_NAME');
  });

  it('check the shared dependencies every DEPENDENCY_CHECK_INTERVAL_MS, from 50 ms', () => {
    expect(loadConfig({ DEPENDENCY_CHECK_INTERVAL_MS: '250' }).dependencyCheckIntervalMs).toBe(250);
    expect(problemsOf({ DEPENDENCY_CHECK_INTERVAL_MS: '10' })).toEqual(['DEPENDENCY_CHECK_INTERVAL_MS must be a whole number from 50 to 600000, got "10"']);
  });
});
