/**
 * `_entities` under abuse: more representations than MAX_ENTITIES (however they are
 * written), duplicates, types this subgraph does not own, and malformed ids. The work is
 * bounded, answers keep representation order, and refusals name the index and the fix.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENTITIES_QUERY, merchantRepresentations } from '../support/graphql-http.js';
import { type SubgraphStack, startSubgraphStack, useSubgraphStack } from '../support/stack.js';
import { expectStillServing, onlyError, postJson } from './http.js';

const ID_QUERY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { id } } }`;

const stack = useSubgraphStack();
afterEach(async () => {
  await expectStillServing(stack.subgraph.url);
});

describe('MAX_ENTITIES (default 500 per operation)', () => {
  it('refuses 600 representations as a whole, before any upstream call', async () => {
    const response = await postJson(stack.subgraph.url, { query: ENTITIES_QUERY, variables: { representations: merchantRepresentations(...Array(600).fill('m_1003')) } });
    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.message).toBe(
      'This operation carries 600 entity representations; this subgraph resolves at most 500 per operation (MAX_ENTITIES). Send them in batches of 500 or fewer.',
    );
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', limit: 'MAX_ENTITIES', maximum: 500, actual: 600 });
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('answers 500 duplicates of one merchant in order with exactly one upstream call', async () => {
    const response = await postJson(stack.subgraph.url, { query: ENTITIES_QUERY, variables: { representations: merchantRepresentations(...Array(500).fill('m_1003')) } });
    expect(response.status).toBe(200);
    expect(response.json?.errors).toBeUndefined();
    const entities = response.json!.data._entities as Array<{ id: string; cloudEnvironments: unknown }>;
    expect(entities).toHaveLength(500);
    expect(entities.every((entity) => entity.id === 'm_1003')).toBe(true);
    expect(new Set(entities.map((entity) => JSON.stringify(entity.cloudEnvironments))).size).toBe(1);
    expect(stack.simulator.calls).toHaveLength(1);
  });
});

describe('MAX_ENTITIES counts every way of writing representations', () => {
  let tight: SubgraphStack;
  beforeAll(async () => {
    tight = await startSubgraphStack({ env: { MAX_ENTITIES: '3' } });
  });
  afterAll(async () => {
    await tight?.stop();
  });
  beforeEach(() => {
    tight.simulator.resetCalls();
  });

  const refusedWith = async (query: string, variables: Record<string, unknown>, actual: number) => {
    const response = await postJson(tight.subgraph.url, { query, variables });
    expect(response.status).toBe(400);
    expect(onlyError(response).extensions).toEqual({ code: 'BAD_USER_INPUT', limit: 'MAX_ENTITIES', maximum: 3, actual });
    expect(tight.simulator.calls).toHaveLength(0);
  };
  const rep = (id: string) => `{ __typename: "Merchant", id: "${id}" }`;

  it('accepts exactly MAX_ENTITIES', async () => {
    const response = await postJson(tight.subgraph.url, { query: ID_QUERY, variables: { r: merchantRepresentations('m_1', 'm_2', 'm_3') } });
    expect(response.json?.data._entities).toEqual([{ id: 'm_1' }, { id: 'm_2' }, { id: 'm_3' }]);
  });

  it('counts inline literals', async () => {
    await refusedWith(`{ _entities(representations: [${['a', 'b', 'c', 'd'].map(rep).join(', ')}]) { ... on Merchant { id } } }`, {}, 4);
  });

  it('counts variables inside a literal list', async () => {
    await refusedWith(`query($m: _Any!) { _entities(representations: [$m, $m, $m, $m]) { ... on Merchant { id } } }`, { m: { __typename: 'Merchant', id: 'm_1' } }, 4);
  });

  it('counts a default value when the variable is not sent', async () => {
    const defaults = `[${['a', 'b', 'c', 'd'].map(rep).join(', ')}]`;
    await refusedWith(`query($r: [_Any!]! = ${defaults}) { _entities(representations: $r) { ... on Merchant { id } } }`, {}, 4);
  });

  it('adds up aliased _entities selections and those inside fragments', async () => {
    const query = `query($r: [_Any!]!) {
      a: _entities(representations: $r) { ... on Merchant { id } }
      ... on Query { b: _entities(representations: $r) { ... on Merchant { id } } }
      ...More
    }
    fragment More on Query { c: _entities(representations: $r) { ... on Merchant { id } } }`;
    await refusedWith(query, { r: merchantRepresentations('m_1', 'm_2') }, 6);
  });
});

describe('representations this subgraph cannot resolve', () => {
  it('refuses a __typename it does not own, naming the index and Merchant, with no upstream call', async () => {
    const response = await postJson(stack.subgraph.url, {
      query: ENTITIES_QUERY,
      variables: { representations: [{ __typename: 'Merchant', id: 'm_1003' }, { __typename: 'Product', id: 'p_1' }] },
    });
    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.message).toBe(
      'representations[1] has __typename "Product"; this subgraph resolves only Merchant entities, e.g. { "__typename": "Merchant", "id": "m_1001" }. Nothing was resolved.',
    );
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it.each([
    ['a type of this subgraph that is not an entity', { __typename: 'CloudEnvironment', env: 'x' }, 'has __typename "CloudEnvironment"'],
    ['the query root', { __typename: 'Query' }, 'has __typename "Query"'],
    ['no __typename', { id: 'm_1003' }, 'has no __typename'],
    ['a non-string __typename', { __typename: ['Merchant'], id: 'm_1003' }, 'has __typename ["Merchant"]'],
    ['a bare string', 'm_1003', 'is a string; each representation must be an object'],
    ['a list', [{ __typename: 'Merchant', id: 'm_1003' }], 'is a list; each representation must be an object'],
  ])('refuses %s with BAD_USER_INPUT instead of an internal error', async (_name, representation, says) => {
    const response = await postJson(stack.subgraph.url, { query: ID_QUERY, variables: { r: [{ __typename: 'Merchant', id: 'm_1003' }, representation] } });
    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.message).toContain(`representations[1] ${says}`);
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('fails only the items with a missing or non-string id, keeping order and the good ones', async () => {
    const representations = [
      { __typename: 'Merchant', id: 'm_1003' },
      { __typename: 'Merchant' },
      { __typename: 'Merchant', id: 42 },
      { __typename: 'Merchant', id: { $gt: '' } },
      { __typename: 'Merchant', id: '' },
      { __typename: 'Merchant', id: 'm_3001' },
      { __typename: 'Merchant', id: 'm_1003' },
    ];
    const response = await postJson(stack.subgraph.url, { query: ENTITIES_QUERY, variables: { representations } });
    expect(response.status).toBe(200);
    const entities = response.json!.data._entities as Array<{ id: string } | null>;
    expect(entities.map((entity) => entity?.id ?? null)).toEqual(['m_1003', null, null, null, null, 'm_3001', 'm_1003']);
    const badIds = response.json!.errors!.filter((error) => error.path?.length === 2);
    expect(badIds.map((error) => error.path)).toEqual([1, 2, 3, 4].map((index) => ['_entities', index]));
    expect(badIds.every((error) => error.extensions?.['code'] === 'BAD_USER_INPUT' && /non-empty string "id"/.test(error.message))).toBe(true);
    expect(stack.simulator.calls).toHaveLength(1);
  });
});
