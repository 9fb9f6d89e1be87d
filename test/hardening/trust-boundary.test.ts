/**
 * Who may talk to the subgraph and what it shows them: with ROUTER_SECRET set only the
 * router gets through (and nobody else reaches WeChat); in production the schema is not
 * open to introspection and no Sandbox is served unless INTROSPECTION=true; and by default
 * the SDL asks the router for no authorization feature, so that every gateway composes it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENTITIES_QUERY, merchantRepresentations } from '../support/graphql-http.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';
import { expectStillServing, onlyError, postJson, send } from './http.js';

const SECRET = 'router-secret-7c1e9a3f5b2d4e60';
const ENTITIES = { query: ENTITIES_QUERY, variables: { representations: merchantRepresentations('m_1003', 'm_1001') } };
const DEEP_INTROSPECTION = '{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }';

describe('with ROUTER_SECRET set', () => {
  let stack: SubgraphStack;
  beforeAll(async () => {
    stack = await startSubgraphStack({ env: { ROUTER_SECRET: SECRET } });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(() => {
    stack.simulator.resetCalls();
  });

  it('answers a request without router-authorization with 401 UNAUTHENTICATED, asking WeChat nothing', async () => {
    const response = await postJson(stack.subgraph.url, ENTITIES);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.json).toEqual({
      errors: [
        {
          message: 'This subgraph answers only its router: send the shared secret (ROUTER_SECRET) in the router-authorization header.',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it.each([
    ['a wrong secret of the same length', SECRET.replace(/.$/, 'x')],
    ['a prefix of the secret', SECRET.slice(0, 16)],
    ['the secret twice', SECRET + SECRET],
    ['a bearer token', `Bearer ${SECRET}`],
  ])('answers %s with 401 and asks WeChat nothing', async (_name, value) => {
    const response = await postJson(stack.subgraph.url, ENTITIES, { 'router-authorization': value });
    expect(response.status).toBe(401);
    expect(onlyError(response)).toEqual({
      message: "The router-authorization header does not match this subgraph's ROUTER_SECRET; configure the router with the same secret.",
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('does not take the secret from the Authorization header', async () => {
    const response = await postJson(stack.subgraph.url, ENTITIES, { authorization: SECRET });
    expect(response.status).toBe(401);
  });

  it('refuses an unauthenticated request before reading its body, whatever it holds', async () => {
    const huge = await postJson(stack.subgraph.url, { query: '{ __typename }', variables: { padding: 'x'.repeat(300 * 1024) } });
    const malformed = await send(stack.subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    const sandbox = await send(stack.subgraph.url, { headers: { accept: 'text/html' } });
    expect([huge.status, malformed.status, sandbox.status]).toEqual([401, 401, 401]);
  });

  it('serves the router that sends the secret', async () => {
    const response = await postJson(stack.subgraph.url, ENTITIES, { 'router-authorization': SECRET });
    expect(response.status).toBe(200);
    expect(response.json?.errors).toBeUndefined();
    expect(response.json?.data._entities.map((entity: { id: string }) => entity.id)).toEqual(['m_1003', 'm_1001']);
    await expectStillServing(stack.subgraph.url, { 'router-authorization': SECRET });
  });

  it('keeps /healthz and /readyz open to orchestrators', async () => {
    const health = await send(new URL('/healthz', stack.subgraph.url));
    const ready = await send(new URL('/readyz', stack.subgraph.url));
    expect([health.status, ready.status]).toEqual([200, 200]);
  });

  it('never writes the secret, or a wrong one, to the log', async () => {
    await postJson(stack.subgraph.url, ENTITIES, { 'router-authorization': 'a-guess-at-the-secret-0000' });
    const log = stack.logs.lines.join('\n');
    expect(log).toMatch(/refused a \/graphql request without the router secret/);
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain('a-guess-at-the-secret-0000');
  });
});

describe('in production (INTROSPECTION unset)', () => {
  let stack: SubgraphStack;
  beforeAll(async () => {
    stack = await startSubgraphStack({ env: { NODE_ENV: 'production', ALLOW_OPEN_ACCESS: 'true' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each([
    ['introspection nested ten levels deep', DEEP_INTROSPECTION],
    ['a one-line introspection', '{ __schema { queryType { name } } }'],
    ['a __type lookup', '{ __type(name: "Merchant") { fields { name } } }'],
  ])('refuses %s with 400, saying how to enable it', async (_name, query) => {
    stack.simulator.resetCalls();
    const response = await postJson(stack.subgraph.url, { query });
    expect(response.status).toBe(400);
    const error = onlyError(response);
    expect(error.message).toMatch(/^Introspection is off on this subgraph .* set INTROSPECTION=true/);
    expect(error.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(stack.simulator.calls).toHaveLength(0);
    await expectStillServing(stack.subgraph.url);
  });

  it('still answers _service { sdl }, which gateways and rover read', async () => {
    const response = await postJson(stack.subgraph.url, { query: '{ _service { sdl } }' });
    expect(response.status).toBe(200);
    expect(response.json?.data._service.sdl).toContain('type Merchant');
  });

  it('serves no Sandbox landing page to a browser', async () => {
    const browsers: Array<Record<string, string>> = [{ accept: 'text/html' }, { accept: 'text/html', 'apollo-require-preflight': 'true' }];
    for (const headers of browsers) {
      const response = await send(stack.subgraph.url, { headers });
      // 400 (no preflight header: blocked as cross-site) or 406 (nothing HTML to offer).
      expect([400, 406]).toContain(response.status);
      expect(response.headers.get('content-type')).not.toMatch(/html/);
      expect(response.text).not.toMatch(/sandbox|<html/i);
    }
  });
});

describe('in production with INTROSPECTION=true', () => {
  let stack: SubgraphStack;
  beforeAll(async () => {
    stack = await startSubgraphStack({ env: { NODE_ENV: 'production', ALLOW_OPEN_ACCESS: 'true', INTROSPECTION: 'true' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers introspection', async () => {
    const response = await postJson(stack.subgraph.url, { query: DEEP_INTROSPECTION });
    expect(response.status).toBe(200);
    expect(response.json?.errors).toBeUndefined();
    expect(response.json?.data.__schema.types.length).toBeGreaterThan(5);
  });

  it('serves the landing page again', async () => {
    const response = await send(stack.subgraph.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('the SDL a router reads by default', () => {
  let stack: SubgraphStack;
  beforeAll(async () => {
    stack = await startSubgraphStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('links no for: SECURITY feature in _service { sdl } (AUTHORIZATION turns one on: test/auth/)', async () => {
    const response = await postJson(stack.subgraph.url, { query: '{ _service { sdl } }' });
    const sdl: string = response.json?.data._service.sdl;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])');
    expect(sdl).not.toMatch(/@requiresScopes|@authenticated|@policy/);
  });
});
