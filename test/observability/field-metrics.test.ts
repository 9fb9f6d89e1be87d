/**
 * The series the alert rules divide (deploy/prometheus), read from GET /metrics after real
 * traffic: every Merchant.cloudEnvironments field counted once by how it ended, failures
 * by the code their client saw, whichever way the field failed (WeChat, the registry, the
 * env argument, the caller check); and the distinct authorizers WeChat was called for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { IdentityProvider, TEST_AUDIENCE, TEST_ISSUER, signingKey } from '../support/identity-provider.js';
import { captureOutput } from '../support/suite-capture.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const ENV_QUERY = `query OneEnv($representations: [_Any!]!, $env: String) {
  _entities(representations: $representations) { ... on Merchant { id cloudEnvironments(env: $env) { env } } }
}`;

/** The samples of one family, keyed by their label text (`{code="WECHAT_BUSY"}`, or `` for none). */
async function scrape(stack: SubgraphStack, family: string): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', stack.subgraph.url))).text();
  captureOutput(text);
  const samples: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${family}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (match) samples[match[1] ?? ''] = Number(match[2]);
  }
  return samples;
}

/** The samples that counted something: every known label set is exported from 0. */
async function counted(stack: SubgraphStack, family: string): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await scrape(stack, family)).filter(([, value]) => value !== 0));
}

describe('cloudenv_fields_total and cloudenv_field_errors_total', () => {
  let stack: SubgraphStack;
  beforeAll(async () => {
    stack = await startSubgraphStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('start every outcome and every code at 0, so the first failure is a rise a rate() sees', async () => {
    expect(await scrape(stack, 'cloudenv_fields_total')).toEqual({ '{outcome="data"}': 0, '{outcome="stale"}': 0, '{outcome="error"}': 0 });
    const codes = await scrape(stack, 'cloudenv_field_errors_total');
    expect(Object.keys(codes)).toEqual(expect.arrayContaining(['{code="WECHAT_BUSY"}', '{code="TOKEN_STORE_UNAVAILABLE"}', '{code="UNAUTHENTICATED"}']));
    expect(Object.values(codes).every((value) => value === 0)).toBe(true);
    expect((await scrape(stack, 'cloudenv_stale_answers_total'))['{reason="WECHAT_UNAVAILABLE"}']).toBe(0);
  });

  it('count each field once: data, or an error by its code', async () => {
    // Demo merchants: two sharing an authorizer, an always-busy one, an expired token, one not in the registry.
    const { body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_1001', 'm_1002', 'm_2003', 'm_2001', 'm_3001') });
    expect(body.errors).toHaveLength(3);
    expect(await counted(stack, 'cloudenv_fields_total')).toEqual({ '{outcome="data"}': 2, '{outcome="error"}': 3 });
    expect(await counted(stack, 'cloudenv_field_errors_total')).toEqual({
      '{code="WECHAT_BUSY"}': 1,
      '{code="AUTHORIZER_TOKEN_EXPIRED"}': 1,
      '{code="MERCHANT_NOT_AUTHORIZED"}': 1,
    });
  });

  it('count a field refused for its env argument, and one asking for an environment that does not exist as data', async () => {
    await postGraphQL(stack.subgraph.url, ENV_QUERY, { representations: merchantRepresentations('m_1001'), env: 'not an id!' });
    await postGraphQL(stack.subgraph.url, ENV_QUERY, { representations: merchantRepresentations('m_1001'), env: 'no-such-env' });
    expect(await counted(stack, 'cloudenv_fields_total')).toEqual({ '{outcome="data"}': 3, '{outcome="error"}': 4 });
    expect((await scrape(stack, 'cloudenv_field_errors_total'))['{code="BAD_USER_INPUT"}']).toBe(1);
  });
});

describe('cloudenv_field_errors_total with AUTHORIZATION=subgraph', () => {
  let idp: IdentityProvider;
  let stack: SubgraphStack;
  beforeAll(async () => {
    idp = new IdentityProvider([await signingKey('ES256', 'ec-1')]);
    const jwksUrl = await idp.start();
    stack = await startSubgraphStack({ env: { AUTHORIZATION: 'subgraph', AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE } });
  });
  afterAll(async () => {
    await stack?.stop();
    await idp?.stop();
  });

  it('counts the fields of a caller without a token as UNAUTHENTICATED', async () => {
    await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_1001', 'm_1003') });
    expect(await counted(stack, 'cloudenv_fields_total')).toEqual({ '{outcome="error"}': 2 });
    expect(await counted(stack, 'cloudenv_field_errors_total')).toEqual({ '{code="UNAUTHENTICATED"}': 2 });
  });
});

describe('wechat_authorizers_active', () => {
  let stack: SubgraphStack;
  beforeAll(async () => {
    // A back-off longer than the file: the busy authorizer is still held back when it is read.
    stack = await startSubgraphStack({ env: { WECHAT_AUTHORIZER_BACKOFF_BASE_MS: '60000' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const query = (...merchantIds: string[]) => postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(...merchantIds) });

  it('is 0 before any call', async () => {
    expect(await scrape(stack, 'wechat_authorizers_active')).toEqual({ '': 0 });
  });

  it('counts each authorizer WeChat was called for once, however often, and none for a merchant not in the registry', async () => {
    await query('m_1001', 'm_1002', 'm_2003', 'm_3001'); // m_1001 and m_1002 share an authorizer
    await query('m_1001', 'm_2003'); // the busy one is held back now, and still counted
    expect(await scrape(stack, 'wechat_authorizers_held_back')).toEqual({ '': 1 });
    expect(await scrape(stack, 'wechat_authorizers_active')).toEqual({ '': 2 });
    await query('m_1003');
    expect(await scrape(stack, 'wechat_authorizers_active')).toEqual({ '': 3 });
  });
});
