/**
 * Client operations through a real, unmodified @apollo/gateway over the supergraph
 * @apollo/composition makes of this subgraph and the merchants stand-in: the data arrives, and a failing merchant keeps its other fields
 * while its error keeps its client path, code and WeChat details.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../tools/supergraph.js';
import {
  MerchantCloudEnvironmentDocument,
  MerchantsAliasedEnvironmentsDocument,
  MerchantsWithCloudEnvironmentsDocument,
} from '../__generated__/graphql.js';
import { postGraphQL } from '../support/graphql-http.js';
import { type GatewayStack, startGatewayStack } from '../support/stack.js';

const GET_ENV_INFO = '/tcb/getenvinfo';
let stack: GatewayStack;

beforeAll(async () => {
  stack = await startGatewayStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('through @apollo/gateway', () => {
  it('returns every merchant with its name and cloud environments', async () => {
    const { status, body } = await postGraphQL(stack.gatewayUrl, MerchantsWithCloudEnvironmentsDocument);
    expect(status).toBe(200);
    const merchants = body.data!.merchants;
    expect(merchants.map((merchant) => merchant.id)).toEqual(['m_1001', 'm_1002', 'm_1003', 'm_2001', 'm_2002', 'm_2003', 'm_2004', 'm_2005', 'm_3001']);
    const acme = merchants[0]!;
    expect(acme.name).toBe('Acme Coffee');
    expect(acme.cloudEnvironments).toContainEqual({
      env: 'prod-7g3k9d',
      alias: 'prod',
      status: 'NORMAL',
      createTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/),
      updateTime: expect.stringMatching(/\+08:00$/),
      packageId: 'basic',
      packageName: '基础版 1',
    });
    expect(acme.cloudEnvironments!.map((environment) => environment.status).sort()).toEqual(['HALTED', 'NORMAL', 'UNAVAILABLE', 'UNKNOWN']);
    expect(merchants[1]!.cloudEnvironments).toEqual(acme.cloudEnvironments);
  });

  it('keeps a failing merchant’s name and nulls only its cloudEnvironments, with the error at the client path', async () => {
    const { body } = await postGraphQL(stack.gatewayUrl, MerchantsWithCloudEnvironmentsDocument);
    const merchants = body.data!.merchants;
    const expired = merchants.findIndex((merchant) => merchant.id === 'm_2001');
    expect(merchants[expired]).toEqual({ id: 'm_2001', name: 'Expired Token Bakery', cloudEnvironments: null });

    const error = body.errors!.find((candidate) => candidate.extensions?.['merchantId'] === 'm_2001');
    expect(error?.path).toEqual(['merchants', expired, 'cloudEnvironments']);
    expect(error?.extensions).toMatchObject({
      code: 'AUTHORIZER_TOKEN_EXPIRED',
      retryable: false,
      merchantId: 'm_2001',
      wechat: { errcode: 42001, errmsg: expect.stringMatching(/^access_token expired rid: /), rid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/) },
    });
  });

  it('gives each failing merchant exactly one error with its own code', async () => {
    const { body } = await postGraphQL(stack.gatewayUrl, MerchantsWithCloudEnvironmentsDocument);
    const codes = Object.fromEntries(body.errors!.map((error) => [error.extensions?.['merchantId'], error.extensions?.['code']]));
    expect(body.errors).toHaveLength(6);
    expect(codes).toEqual({
      m_2001: 'AUTHORIZER_TOKEN_EXPIRED',
      m_2002: 'PERMISSION_SET_NOT_GRANTED',
      m_2003: 'WECHAT_BUSY',
      m_2004: 'CLOUDBASE_NOT_ENABLED',
      m_2005: 'REFRESH_TOKEN_INVALID',
      m_3001: 'MERCHANT_NOT_AUTHORIZED',
    });
    const busy = body.errors!.find((error) => error.extensions?.['merchantId'] === 'm_2003');
    expect(busy?.extensions).toMatchObject({ retryable: true, wechat: { errcode: -1 } });
  });

  it('answers a single merchant with an env filter', async () => {
    const { body } = await postGraphQL(stack.gatewayUrl, MerchantCloudEnvironmentDocument, { id: 'm_1003', env: 'shop-3a7c1e' });
    expect(body.errors).toBeUndefined();
    expect(body.data?.merchant?.name).toBe('Blue Harbor Books');
    expect(body.data?.merchant?.cloudEnvironments).toHaveLength(1);
  });

  it('refuses a malformed env argument with BAD_USER_INPUT and asks WeChat nothing', async () => {
    stack.simulator.resetCalls();
    const { body } = await postGraphQL(stack.gatewayUrl, MerchantCloudEnvironmentDocument, { id: 'm_1001', env: 'prod; DROP TABLE' });
    expect(body.data?.merchant).toEqual({ id: 'm_1001', name: 'Acme Coffee', cloudEnvironments: null });
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.path).toEqual(['merchant', 'cloudEnvironments']);
    expect(stack.simulator.callCount(GET_ENV_INFO)).toBe(0);
  });

  it('makes one WeChat call per authorizer however the operation is shaped', async () => {
    stack.simulator.resetCalls();
    const { body } = await postGraphQL(stack.gatewayUrl, MerchantsAliasedEnvironmentsDocument, { env: 'prod-7g3k9d' });
    const acme = body.data!.merchants[0]!;
    expect(acme.one).toEqual([{ env: 'prod-7g3k9d', status: 'NORMAL' }]);
    expect(acme.all).toHaveLength(4);
    // Nine merchants: m_1001 and m_1002 share a token, m_3001 has none, m_2005's cannot be
    // minted, m_2001's expiry may be backing off. Every token is asked once; only the busy one
    // again, by the retry policy for errcode -1 (3 calls), unless earlier operations had it
    // held back (then at most its one probe).
    const callsPerToken = new Map<string | undefined, number>();
    for (const call of stack.simulator.calls.filter((candidate) => candidate.path === GET_ENV_INFO)) {
      callsPerToken.set(call.accessToken, (callsPerToken.get(call.accessToken) ?? 0) + 1);
    }
    expect(callsPerToken.get('demo-token-personal-plan')).toBe(1);
    expect([[], [3]]).toContainEqual([...callsPerToken.values()].filter((count) => count !== 1));
    expect(callsPerToken.size).toBeGreaterThanOrEqual(4); // 5 when the busy one was called
  });
});

describe('the supergraph @apollo/gateway runs as composed', () => {
  it('links no for: SECURITY feature, so an unmodified @apollo/gateway loads it', () => {
    const { supergraphSdl } = composeSupergraph();
    expect(supergraphSdl).not.toContain('for: SECURITY');
    expect(supergraphSdl).not.toMatch(/@requiresScopes|@authenticated|@policy/);
  });
});
