/**
 * The logs as an operator reads them: one line per operation with what it cost, the
 * gateway's request id carried through, and no secret in any line, whatever a careless
 * log call passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES_QUERY, merchantRepresentations } from '../support/graphql-http.js';
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

  it('censors secret fields one level down in any object, leaving the object as it was', () => {
    const { logger, lines } = captureLogs('info');
    const call = { endpoint: '/tcb/getenvinfo', token: 'T-secret-7', refreshToken: 'RT-secret-8' };
    logger.info({ call, list: ['kept'], count: 2 }, 'nested');
    expect(JSON.parse(lines[0]!)).toMatchObject({ call: { endpoint: '/tcb/getenvinfo', token: '[REDACTED]', refreshToken: '[REDACTED]' }, list: ['kept'], count: 2 });
    expect(call.token).toBe('T-secret-7');
  });

  it('keeps a count or a flag whose name sounds like a secret: only text can be one', () => {
    const { logger, lines } = captureLogs('info');
    logger.info({ withoutRefreshToken: 2, hasAccessToken: true, ticket: null, refreshToken: 'RT-secret-10', nested: { staleTokens: 3, token: 'T-secret-11' } }, 'counted');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      withoutRefreshToken: 2,
      hasAccessToken: true,
      ticket: null,
      refreshToken: '[REDACTED]',
      nested: { staleTokens: 3, token: '[REDACTED]' },
    });
  });

  it('censors an error’s secret fields and keeps what an operator needs from it', () => {
    const { logger, lines } = captureLogs('info');
    const error = Object.assign(new Error('getenvinfo failed'), { errcode: 40001, accessToken: 'AT-secret-9' });
    logger.error({ err: error }, 'call failed');
    logger.error(error);
    for (const line of lines) {
      const { err } = JSON.parse(line) as { err: Record<string, unknown> };
      expect(err).toMatchObject({ type: 'Error', message: 'getenvinfo failed', errcode: 40001, accessToken: '[REDACTED]' });
      expect(err['stack']).toContain('getenvinfo failed');
    }
    expect(lines).toHaveLength(2);
  });

  it('censors secrets a child logger is bound with', () => {
    const { logger, lines } = captureLogs('info');
    logger.child({ secret: 'S-secret-10', authorizer: { appId: 'wx1', authorizerAccessToken: 'AT-secret-11' } }).info('bound');
    expect(JSON.parse(lines[0]!)).toMatchObject({ secret: '[REDACTED]', authorizer: { appId: 'wx1', authorizerAccessToken: '[REDACTED]' } });
  });
});
