/**
 * Requests no gateway sends: broken or oversized bodies, odd content types, mutations over
 * GET, wrong variables, unknown fields. Each is refused with a 4xx and a GraphQL-shaped
 * error that says what to send instead, asks WeChat nothing, shows no stack trace, and
 * leaves the subgraph serving the next normal request.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SubgraphStack, startSubgraphStack, useSubgraphStack } from '../support/stack.js';
import { expectStillServing, onlyError, postJson, send } from './http.js';

const ENV_QUERY = `query($r: [_Any!]!, $env: String) { _entities(representations: $r) { ... on Merchant { id cloudEnvironments(env: $env) { env } } } }`;
const M_1003 = [{ __typename: 'Merchant', id: 'm_1003' }];

const stack = useSubgraphStack();
afterEach(async () => {
  await expectStillServing(stack.subgraph.url);
});

describe('malformed HTTP requests', () => {
  it('answers malformed JSON with 400 and a GraphQL-shaped BAD_REQUEST', async () => {
    const response = await send(stack.subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "{ _service { sdl } }"' });
    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.extensions).toEqual({ code: 'BAD_REQUEST' });
    expect(error.message).toMatch(/not valid JSON.*send a JSON object/);
  });

  it('answers an empty JSON body with 400', async () => {
    const response = await send(stack.subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' });
    expect(response.status).toBe(400);
    expect(onlyError(response).extensions).toEqual({ code: 'BAD_REQUEST' });
  });

  it('refuses content-type text/plain as a potential cross-site request (400)', async () => {
    const response = await send(stack.subgraph.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.extensions?.['code']).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/Cross-Site Request Forgery/);
  });

  it.each(['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml'])(
    'answers content-type %s with 415 and what to send instead',
    async (contentType) => {
      const response = await send(stack.subgraph.url, { method: 'POST', headers: { 'content-type': contentType }, body: 'query=%7B__typename%7D' });
      expect(response.status).toBe(415);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const error = onlyError(response);
      expect(error.extensions).toEqual({ code: 'BAD_REQUEST' });
      expect(error.message).toMatch(/content-type: application\/json/);
    },
  );

  it('refuses a mutation sent over GET with 405 and Allow: POST', async () => {
    const url = `${stack.subgraph.url}?query=${encodeURIComponent('mutation { __typename }')}`;
    const response = await send(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(onlyError(response).message).toBe('GET requests only support query operations, not mutation operations');
  });

  it('refuses a GET without a preflight header as a potential cross-site request (400)', async () => {
    const response = await send(`${stack.subgraph.url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(response.status).toBe(400);
    expect(onlyError(response).message).toMatch(/Cross-Site Request Forgery/);
  });

  it('answers a body over MAX_BODY_BYTES (default 256 KiB) with 413, naming the limit', async () => {
    const response = await postJson(stack.subgraph.url, { query: '{ __typename }', variables: { padding: 'x'.repeat(300 * 1024) } });
    expect(response.status).toBe(413);
    const error = onlyError(response);
    expect(error.extensions).toEqual({ code: 'PAYLOAD_TOO_LARGE' });
    expect(error.message).toMatch(/larger than 262144 bytes \(MAX_BODY_BYTES\)/);
  });

  it('accepts a body just under MAX_BODY_BYTES', async () => {
    const response = await postJson(stack.subgraph.url, { query: '{ __typename }', variables: { padding: 'x'.repeat(250 * 1024) } });
    expect(response.status).toBe(200);
    expect(response.json?.data).toEqual({ __typename: 'Query' });
  });

  it('refuses a batch of operations, so a batch cannot multiply the per-operation limits', async () => {
    const response = await postJson(stack.subgraph.url, [{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(response.status).toBe(400);
    expect(onlyError(response).message).toBe('Operation batching disabled.');
  });
});

describe('invalid GraphQL', () => {
  it('answers a variable of the wrong type with 400 BAD_USER_INPUT naming the variable', async () => {
    const response = await postJson(stack.subgraph.url, { query: ENV_QUERY, variables: { r: M_1003, env: 5 } });
    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toBe('Variable "$env" got invalid value 5; String cannot represent a non string value: 5');
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('answers a missing required variable with 400 BAD_USER_INPUT', async () => {
    const response = await postJson(stack.subgraph.url, { query: ENV_QUERY, variables: {} });
    expect(response.status).toBe(400);
    expect(onlyError(response).message).toMatch(/Variable "\$r" of required type "\[_Any!\]!" was not provided/);
  });

  it('answers an unknown field with 400 GRAPHQL_VALIDATION_FAILED naming it', async () => {
    const response = await postJson(stack.subgraph.url, {
      query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { id secretKey } } }`,
      variables: { r: M_1003 },
    });
    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(error.message).toBe('Cannot query field "secretKey" on type "Merchant".');
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('answers an unknown argument with 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const response = await postJson(stack.subgraph.url, {
      query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { cloudEnvironments(appid: "wx") { env } } } }`,
      variables: { r: M_1003 },
    });
    expect(response.status).toBe(400);
    expect(onlyError(response).message).toMatch(/Unknown argument "appid" on field "Merchant.cloudEnvironments"/);
  });

  it('answers a syntax error with 400 GRAPHQL_PARSE_FAILED', async () => {
    const response = await postJson(stack.subgraph.url, { query: '{ _entities(representations: [ { __typename: "Merchant" } ' });
    expect(response.status).toBe(400);
    expect(onlyError(response).extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
  });
});

describe('in production', () => {
  let production: SubgraphStack;
  beforeAll(async () => {
    production = await startSubgraphStack({ env: { NODE_ENV: 'production', ALLOW_OPEN_ACCESS: 'true' } });
  });
  afterAll(async () => {
    await production?.stop();
  });

  it('answers an unknown field without a stack trace or a hint at the schema', async () => {
    const response = await postJson(production.subgraph.url, { query: '{ _service { sdll } }' });
    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.message).toBe('Cannot query field "sdll" on type "_Service".');
    expect(error.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(response.text).not.toMatch(/stacktrace|Did you mean|\.ts:\d+|node_modules/);
  });

  it('answers malformed JSON and a wrong representation without a stack trace', async () => {
    const malformed = await send(production.subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    const wrongType = await postJson(production.subgraph.url, {
      query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { id } } }`,
      variables: { r: [{ __typename: 'Product', id: '1' }] },
    });
    for (const response of [malformed, wrongType]) {
      expect(response.status).toBe(400);
      expect(response.text).not.toMatch(/stacktrace|\.ts:\d+|node_modules|at \w+ \(/);
    }
  });
});
