/**
 * The federation surface a gateway relies on: `_entities` in representation order,
 * `_service { sdl }`, clear errors for bad representations and unlisted merchants,
 * and no upstream call for anything that cannot succeed.
 */
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { useSubgraphStack } from '../support/stack.js';

const stack = useSubgraphStack();

describe('_entities', () => {
  it('answers in representation order, duplicates included', async () => {
    const ids = ['m_1003', 'm_1001', 'm_3001', 'm_1003', 'm_1002'];
    const { body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(...ids) });
    expect(body.data._entities.map((entity: { id: string }) => entity.id)).toEqual(ids);
    expect(body.data._entities[0]).toEqual(body.data._entities[3]);
  });

  it('gives an unlisted merchant MERCHANT_NOT_AUTHORIZED without calling WeChat', async () => {
    const { body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_3001') });
    expect(body.data._entities).toEqual([{ id: 'm_3001', cloudEnvironments: null }]);
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['_entities', 0, 'cloudEnvironments'],
        extensions: { code: 'MERCHANT_NOT_AUTHORIZED', retryable: false, merchantId: 'm_3001' },
      }),
    ]);
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it.each(['', 'x'.repeat(65), 'prod 1', 'prod\n1', '环境', "a'; DROP TABLE envs; --", '../etc', 'a\u0000b'])(
    'refuses env %j with BAD_USER_INPUT and no upstream call',
    async (env) => {
      const { body } = await postGraphQL(
        stack.subgraph.url,
        `query($r: [_Any!]!, $env: String) { _entities(representations: $r) { ... on Merchant { id cloudEnvironments(env: $env) { env } } } }`,
        { r: merchantRepresentations('m_1001'), env },
      );
      expect(body.data._entities).toEqual([{ id: 'm_1001', cloudEnvironments: null }]);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'env' });
      expect(body.errors?.[0]?.message).toMatch(/A-Z, a-z, 0-9/);
      expect(stack.simulator.calls).toHaveLength(0);
    },
  );

  it('accepts a 64-character env id', async () => {
    const { body } = await postGraphQL(
      stack.subgraph.url,
      `query($r: [_Any!]!, $env: String) { _entities(representations: $r) { ... on Merchant { cloudEnvironments(env: $env) { env } } } }`,
      { r: merchantRepresentations('m_1001'), env: 'a'.repeat(64) },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([{ cloudEnvironments: [] }]);
  });

  it('refuses a representation without a string id, keeping the others', async () => {
    const { body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, {
      representations: [{ __typename: 'Merchant', id: 'm_1003' }, { __typename: 'Merchant' }, { __typename: 'Merchant', id: 42 }],
    });
    expect(body.data._entities[0].id).toBe('m_1003');
    expect(body.data._entities.slice(1)).toEqual([null, null]);
    expect(body.errors?.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
  });
});

describe('_service', () => {
  it('returns the SDL committed under schema/', async () => {
    const { body } = await postGraphQL(stack.subgraph.url, '{ _service { sdl } }');
    const committed = await readFile(new URL('../../schema/cloud-environments.graphql', import.meta.url), 'utf8');
    // _service prints `schema @link`, the committed file `extend schema @link`: compare what they define.
    expect(`${printSubgraphSchema(buildSubgraphSchema(parse(body.data._service.sdl)))}\n`).toBe(committed);
  });
});

describe('GET /healthz', () => {
  it('answers 200 while the subgraph serves', async () => {
    const response = await fetch(new URL('/healthz', stack.subgraph.url));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
