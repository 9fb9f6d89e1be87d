/**
 * The logs as an operator reads them: one line per operation with what it cost, the
 * gateway's request id carried through, and no secret in any line, whatever a careless
 * log call passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { captureLogs } from '../support/log-capture.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

let stack: SubgraphStack;
beforeAll(async () => {
  stack = await startSubgraphStack();
});
afterAll(async () => {
  await stack?.stop();
});

const entries = () => stack.logs.lines.map((line) => JSON.parse(line) as Record<string, any>);

describe('the operation log line', () => {
  it('says the operation, its duration, merchants, upstream calls and error codes, under the gateway’s request id', async () => {
    const response = await fetch(stack.subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'gateway-req-42' },
      body: JSON.stringify({
        query: ENTITIES_QUERY.replace('query Entities', 'query MerchantPage'),
        variables: { representations: merchantRepresentations('m_1001', 'm_1003', 'm_2002', 'm_3001') },
      }),
    });
    expect(response.headers.get('x-request-id')).toBe('gateway-req-42');
    await response.text();
    const line = entries().find((entry) => entry.msg === 'operation' && entry.requestId === 'gateway-req-42');
    expect(line).toMatchObject({
      level: 30,
      operationName: 'MerchantPage',
      durationMs: expect.any(Number),
      merchants: 4,
      upstreamCalls: 3,
      errorCodes: expect.arrayContaining(['PERMISSION_SET_NOT_GRANTED', 'MERCHANT_NOT_AUTHORIZED']),
      outcome: 'field_errors',
    });
  });

  it('makes up a request id when the gateway sends none, and returns it', async () => {
    const response = await fetch(stack.subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await response.text();
    expect(entries().some((entry) => entry.msg === 'operation' && entry.requestId === id && entry.outcome === 'ok')).toBe(true);
  });
});

describe('redaction', () => {
  it('redacts secret fields and token query strings by configuration', () => {
    const { logger, lines } = captureLogs('info');
    logger.info(
      {
        accessToken: 'AT-secret-1',
        nested: { refreshToken: 'RT-secret-2', appSecret: 'AS-secret-3' },
        url: 'https://api.weixin.qq.com/tcb/getenvinfo?access_token=AT-secret-4',
        headers: { 'router-authorization': 'router-secret-5' },
      },
      'calling https://api.weixin.qq.com/cgi-bin/component/api_authorizer_token?component_access_token=CT-secret-6',
    );
    const output = lines.join('\n');
    for (const secret of ['AT-secret-1', 'RT-secret-2', 'AS-secret-3', 'AT-secret-4', 'router-secret-5', 'CT-secret-6']) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('[REDACTED]');
  });
});
