/**
 * Depth and cost limits sized for a subgraph behind a gateway: a gateway's real entity
 * fetch passes untouched, while an operation that multiplies `cloudEnvironments` through
 * aliases or fragments, or nests deeper than MAX_QUERY_DEPTH, is refused before any
 * resolver runs, so before any WeChat call.
 */
import { getIntrospectionQuery } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { merchantRepresentations } from '../support/graphql-http.js';
import { environment, testMerchants } from '../support/merchants.js';
import { type SubgraphStack, startSubgraphStack, useSubgraphStack } from '../support/stack.js';
import { expectStillServing, onlyError, postJson } from './http.js';

const GET_ENV_INFO = '/tcb/getenvinfo';
const M_1003 = merchantRepresentations('m_1003');
const withAliases = (count: number) =>
  `query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { ${Array.from({ length: count }, (_, index) => `e${index}: cloudEnvironments { env }`).join(' ')} } } }`;

const stack = useSubgraphStack();
afterEach(async () => {
  await expectStillServing(stack.subgraph.url);
});

describe('MAX_CLOUD_ENVIRONMENT_FIELDS (default 20 selections per operation)', () => {
  it('refuses 100 aliases of cloudEnvironments before any upstream call, naming the limit', async () => {
    const response = await postJson(stack.subgraph.url, { query: withAliases(100), variables: { r: M_1003 } });
    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.message).toMatch(/^This operation selects Merchant\.cloudEnvironments 100 times .* at most 20 per operation \(MAX_CLOUD_ENVIRONMENT_FIELDS\)/);
    expect(error.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_CLOUD_ENVIRONMENT_FIELDS', maximum: 20, actual: 100 });
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('accepts 20 aliases', async () => {
    const response = await postJson(stack.subgraph.url, { query: withAliases(20), variables: { r: M_1003 } });
    expect(response.json?.errors).toBeUndefined();
    expect(Object.keys(response.json!.data._entities[0])).toHaveLength(20);
  });

  it('counts selections inside fragments, each spread expanded', async () => {
    const query = `query Spread($r: [_Any!]!) { _entities(representations: $r) { ...Seven ... on Merchant { ...Seven } ...Twice } }
      fragment Seven on Merchant { ${Array.from({ length: 7 }, (_, index) => `f${index}: cloudEnvironments(env: "e${index}") { env }`).join(' ')} }
      fragment Twice on Merchant { ...Seven ...Seven }`;
    const response = await postJson(stack.subgraph.url, { query, variables: { r: M_1003 } });
    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.message).toMatch(/^Operation "Spread" selects Merchant\.cloudEnvironments 28 times/);
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('refuses a fragment bomb without expanding it', async () => {
    let fragments = 'fragment F0 on Merchant { cloudEnvironments { env } }';
    for (let level = 1; level <= 40; level += 1) fragments += ` fragment F${level} on Merchant { ...F${level - 1} ...F${level - 1} }`;
    const response = await postJson(stack.subgraph.url, { query: `query($r: [_Any!]!) { _entities(representations: $r) { ...F40 } } ${fragments}`, variables: { r: M_1003 } });
    expect(response.status).toBe(400);
    // Refused by Apollo Server's maxRecursiveSelections, which stops counting at its limit: the
    // 2^40 selections are never expanded (doing so would not end within the test's time).
    expect(onlyError(response).extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', validationErrorCode: 'MAX_RECURSIVE_SELECTIONS_EXCEEDED' });
    expect(stack.simulator.calls).toHaveLength(0);
  });
});

describe('introspection', () => {
  it('answers the standard introspection query (what Sandbox and codegen send), which is deeper than MAX_QUERY_DEPTH', async () => {
    const response = await postJson(stack.subgraph.url, { query: getIntrospectionQuery({ inputValueDeprecation: true }) });
    expect(response.status).toBe(200);
    expect(response.json?.data.__schema.queryType).toMatchObject({ name: 'Query' });
  });

  it('refuses introspection that nests lists of types inside each other', async () => {
    const response = await postJson(stack.subgraph.url, { query: '{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }' });
    expect(response.status).toBe(400);
    expect(onlyError(response)).toMatchObject({ message: 'Maximum introspection depth exceeded', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });
});

describe('MAX_QUERY_DEPTH', () => {
  let shallow: SubgraphStack;
  beforeAll(async () => {
    shallow = await startSubgraphStack({ env: { MAX_QUERY_DEPTH: '2' } });
  });
  afterAll(async () => {
    await shallow?.stop();
  });

  it('refuses an operation deeper than the limit before any upstream call, naming the limit', async () => {
    shallow.simulator.resetCalls();
    const response = await postJson(shallow.subgraph.url, {
      query: `query Deep($r: [_Any!]!) { _entities(representations: $r) { ...Environments } } fragment Environments on Merchant { cloudEnvironments { env } }`,
      variables: { r: M_1003 },
    });
    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.message).toMatch(/^Operation "Deep" nests fields 3 deep; this subgraph accepts at most 2 \(MAX_QUERY_DEPTH\)/);
    expect(error.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_QUERY_DEPTH', maximum: 2, actual: 3 });
    expect(shallow.simulator.calls).toHaveLength(0);
  });

  it('accepts an operation at the limit', async () => {
    const response = await postJson(shallow.subgraph.url, { query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { id } } }`, variables: { r: M_1003 } });
    expect(response.json).toEqual({ data: { _entities: [{ id: 'm_1003' }] } });
  });
});

describe("a gateway's real entity fetch", () => {
  // 40 merchants over 20 authorizers, as a gateway resolving a page of merchants would send them.
  const merchants = Array.from({ length: 40 }, (_, index) => ({
    merchantId: `m_${index}`,
    authorizer: `a${index % 20}`,
    environments: [environment(`prod-${index % 20}`), environment(`x`, { status: 'HALTED' })],
  }));
  let realistic: SubgraphStack;
  beforeAll(async () => {
    const { authorizers, entries } = testMerchants(merchants);
    realistic = await startSubgraphStack({ simulator: { authorizers }, merchants: entries });
  });
  afterAll(async () => {
    await realistic?.stop();
  });

  it('passes every limit: 40 merchants, a few fields, the field twice with and without env', async () => {
    const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Merchant { __typename id cloudEnvironments { env status createTime } x: cloudEnvironments(env: "x") { env } } } }`;
    const ids = merchants.map((merchant) => merchant.merchantId);
    const response = await postJson(realistic.subgraph.url, { query, variables: { representations: merchantRepresentations(...ids) } });
    expect(response.status).toBe(200);
    expect(response.json?.errors).toBeUndefined();
    const entities = response.json!.data._entities as Array<{ id: string; cloudEnvironments: unknown[]; x: unknown[] }>;
    expect(entities.map((entity) => entity.id)).toEqual(ids);
    expect(entities.every((entity) => entity.cloudEnvironments.length === 2 && entity.x.length === 1)).toBe(true);
    expect(realistic.simulator.callCount(GET_ENV_INFO)).toBe(20);
  });
});
