/**
 * `env` values built to break things (invisible and control characters, emoji, huge
 * strings, injection payloads) are refused per field with BAD_USER_INPUT before any
 * WeChat call, never echoed back, and leave the subgraph serving.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useSubgraphStack } from '../support/stack.js';
import { expectStillServing, postJson, send } from './http.js';

const ENV_QUERY = `query($r: [_Any!]!, $env: String) { _entities(representations: $r) { ... on Merchant { id cloudEnvironments(env: $env) { env } } } }`;
const M_1003 = [{ __typename: 'Merchant', id: 'm_1003' }];

const stack = useSubgraphStack();
afterEach(async () => {
  await expectStillServing(stack.subgraph.url);
});

// Values an attacker or a broken client might put in `env`; none is a WeChat env id.
const HOSTILE_ENVS: Array<[name: string, env: string]> = [
  ['a zero-width space', 'prod\u200b-7g3k9d'],
  ['a right-to-left override', '\u202eprod-7g3k9d'],
  ['an emoji', 'prod-🚀'],
  ['a NUL character', 'prod\u0000'],
  ['a lone surrogate', 'prod-\ud800'],
  ['a 10 KB string', 'a'.repeat(10 * 1024)],
  ['a template injection', '{{7*7}}'],
  ['a JNDI lookup', '${jndi:ldap://x}'],
  ['an SQL injection', "' OR 1=1 --"],
  ['a script tag', '<script>alert(1)</script>'],
  ['a path traversal', '../../etc/passwd'],
  ['a CRLF header injection', 'prod\r\nX-Injected: 1'],
];

describe('env argument fuzzing', () => {
  it.each(HOSTILE_ENVS)('refuses %s as a variable with BAD_USER_INPUT, echoing nothing, asking WeChat nothing', async (_name, env) => {
    const response = await postJson(stack.subgraph.url, { query: ENV_QUERY, variables: { r: M_1003, env } });
    expect(response.status).toBe(200);
    expect(response.json?.data).toEqual({ _entities: [{ id: 'm_1003', cloudEnvironments: null }] });
    expect(response.json?.errors).toHaveLength(1);
    const error = response.json!.errors![0]!;
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'env' });
    expect(error.path).toEqual(['_entities', 0, 'cloudEnvironments']);
    expect(error.message).not.toContain(env);
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it.each([
    ['a NUL escape', String.raw`"prod\u0000"`],
    ['a right-to-left override escape', String.raw`"\u202eprod"`],
    ['a block string with a newline', '"""prod\n-1"""'],
  ])('refuses %s written inline in the query', async (_name, literal) => {
    const response = await postJson(stack.subgraph.url, {
      query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { cloudEnvironments(env: ${literal}) { env } } } }`,
      variables: { r: M_1003 },
    });
    expect(response.json?.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('keeps answering /healthz after the whole list', async () => {
    for (const [, env] of HOSTILE_ENVS) await postJson(stack.subgraph.url, { query: ENV_QUERY, variables: { r: M_1003, env } });
    const health = await send(new URL('/healthz', stack.subgraph.url));
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok' });
  });
});
