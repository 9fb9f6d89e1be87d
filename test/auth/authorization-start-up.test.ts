/**
 * AUTHORIZATION at start-up: parsed with the rest of the configuration (an unknown mode,
 * or subgraph mode without its key set, stops start-up naming the variable: the process
 * itself in authorization-start-up.slow.test.ts), and in
 * production one warning line when nothing at all guards the merchants' environments and
 * the operator chose so (ALLOW_OPEN_ACCESS=true; without it production refuses to start:
 * test/config/deployment.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { openAccessWarning } from '../../src/auth/open-access-warning.js';
import { DEFAULT_AUTH_SCOPE, loadConfig } from '../../src/config/index.js';
import { startSubgraphStack } from '../support/stack.js';
import { configProblems } from '../support/config-problems.js';

const JWKS = 'https://idp.example.com/.well-known/jwks.json';

const problemsOf = configProblems;

describe('AUTHORIZATION and AUTH_* in the configuration', () => {
  it('are off by default, with the scope merchant:cloud-environments:read', () => {
    expect(loadConfig({}).authorization).toEqual({ router: false, subgraph: undefined, scope: DEFAULT_AUTH_SCOPE });
    expect(DEFAULT_AUTH_SCOPE).toBe('merchant:cloud-environments:read');
    expect(loadConfig({ AUTHORIZATION: '' }).authorization.router).toBe(false);
  });

  it('take a comma-separated list: both modes at once, with the key set, issuer, audience and scope', () => {
    const config = loadConfig({ AUTHORIZATION: ' router , subgraph', AUTH_JWKS_URL: JWKS, AUTH_ISSUER: 'https://idp.example.com/', AUTH_AUDIENCE: 'merchant-graph', AUTH_SCOPE: 'envs:read' });
    expect(config.authorization).toEqual({
      router: true,
      subgraph: { jwksUrl: JWKS, issuer: 'https://idp.example.com/', audience: 'merchant-graph', jwksCooldownMs: 30_000, jwksTimeoutMs: 5_000 },
      scope: 'envs:read',
    });
  });

  it('refuse an unknown mode, naming it', () => {
    expect(problemsOf({ AUTHORIZATION: 'router,gateway' })).toEqual([expect.stringMatching(/AUTHORIZATION must be empty or a comma-separated list of router and subgraph .*got "gateway"/)]);
  });

  it('name an unknown mode beside what subgraph mode still lacks, so one round of fixes is enough', () => {
    expect(problemsOf({ AUTHORIZATION: 'subgraph,gateway' })).toEqual([
      expect.stringMatching(/^AUTHORIZATION must be empty or a comma-separated list of router and subgraph .*got "gateway"/),
      expect.stringMatching(/^AUTHORIZATION=subgraph needs AUTH_JWKS_URL/),
    ]);
  });

  it('refuse subgraph mode without AUTH_JWKS_URL, naming it', () => {
    expect(problemsOf({ AUTHORIZATION: 'subgraph' })).toEqual([expect.stringMatching(/^AUTHORIZATION=subgraph needs AUTH_JWKS_URL/)]);
  });

  it('refuse a JWKS URL that is not http(s) and a scope that could not sit in the SDL', () => {
    const problems = problemsOf({ AUTHORIZATION: 'subgraph', AUTH_JWKS_URL: 'file:///etc/keys.json', AUTH_SCOPE: 'read "all"' });
    expect(problems).toEqual([expect.stringMatching(/^AUTH_SCOPE must be one OAuth scope/), expect.stringMatching(/^AUTH_JWKS_URL must be the http\(s\) URL/)]);
  });
});

describe('start-up', () => {
  it('warns once, in production opened on purpose with neither ROUTER_SECRET nor AUTHORIZATION, that anyone reaching the port reads every merchant', async () => {
    const stack = await startSubgraphStack({ env: { NODE_ENV: 'production', ALLOW_OPEN_ACCESS: 'true' } });
    try {
      const warnings = stack.logs.lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => /anyone who can reach this port/.test(line.msg));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: 40, msg: expect.stringMatching(/can read every merchant's cloud environments.*Set ROUTER_SECRET/) });
    } finally {
      await stack.stop();
    }
  });

  it.each([
    ['ROUTER_SECRET set', { NODE_ENV: 'production', ROUTER_SECRET: 'a-router-secret-of-32-characters' }],
    ['AUTHORIZATION=router and ROUTER_SECRET', { NODE_ENV: 'production', AUTHORIZATION: 'router', ROUTER_SECRET: 'a-router-secret-of-32-characters' }],
    ['AUTHORIZATION=subgraph with issuer and audience', { NODE_ENV: 'production', AUTHORIZATION: 'subgraph', AUTH_JWKS_URL: JWKS, AUTH_ISSUER: 'https://idp.example.com/', AUTH_AUDIENCE: 'cloud-environments' }],
    ['outside production', { NODE_ENV: 'development' }],
  ])('says nothing with %s', (_case, env) => {
    expect(openAccessWarning(loadConfig({ ...env, AUTHORIZERS_FILE: '/tmp/authorizers.json' }))).toBeUndefined();
  });

  it('warns in router mode without ROUTER_SECRET: a caller that skips the router is checked by nobody', () => {
    expect(openAccessWarning(loadConfig({ NODE_ENV: 'production', ALLOW_OPEN_ACCESS: 'true', AUTHORIZATION: 'router', AUTHORIZERS_FILE: '/tmp/authorizers.json' }))).toMatch(
      /^AUTHORIZATION=router without ROUTER_SECRET: anyone who can reach this port can read every merchant's cloud environments/,
    );
  });

  it('warns in subgraph mode without AUTH_ISSUER or AUTH_AUDIENCE, naming what is unchecked', () => {
    const warning = openAccessWarning(loadConfig({ NODE_ENV: 'production', AUTHORIZATION: 'subgraph', AUTH_JWKS_URL: JWKS, AUTH_ISSUER: 'https://idp.example.com/', AUTHORIZERS_FILE: '/tmp/authorizers.json' }));
    expect(warning).toMatch(/^AUTHORIZATION=subgraph without AUTH_AUDIENCE: a token that any issuer/);
  });
});
