/**
 * What a frontend sees through a real @apollo/gateway while WeChat is down: merchants read
 * before keep their environments, each with the `fetchedAt` it was read at, and no error;
 * a merchant never read successfully keeps its own error; every merchant keeps its name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MerchantsWithCloudEnvironmentsAgeDocument, type MerchantsWithCloudEnvironmentsAgeQuery } from '../__generated__/graphql.js';
import { type GraphQLResponse, postGraphQL } from '../support/graphql-http.js';
import { OUTAGE } from '../support/stale-answers.js';
import { type GatewayStack, startGatewayStack } from '../support/stack.js';

describe('through @apollo/gateway, while WeChat is down', () => {
  let stack: GatewayStack;
  let outageStartedAt: number;
  let warm: GraphQLResponse<MerchantsWithCloudEnvironmentsAgeQuery>;

  beforeAll(async () => {
    stack = await startGatewayStack({ env: { CLOUDENV_STALE_IF_ERROR_MS: '60000' } });
    warm = await postGraphQL(stack.gatewayUrl, MerchantsWithCloudEnvironmentsAgeDocument);
    outageStartedAt = Date.now();
    stack.simulator.startOutage(OUTAGE);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('gives every merchant read before its last good answer, with the instant it was read', async () => {
    const { body } = await postGraphQL(stack.gatewayUrl, MerchantsWithCloudEnvironmentsAgeDocument);
    const acme = body.data!.merchants.find((merchant) => merchant.id === 'm_1001')!;
    expect(acme.cloudEnvironments).toEqual(warm.body.data!.merchants.find((merchant) => merchant.id === 'm_1001')!.cloudEnvironments);
    expect(acme.cloudEnvironments).toHaveLength(4);
    for (const environment of acme.cloudEnvironments!) expect(Date.parse(environment.fetchedAt)).toBeLessThanOrEqual(outageStartedAt);
    expect(body.errors?.find((error) => error.extensions?.['merchantId'] === 'm_1001')).toBeUndefined();
  });

  it('keeps the error of a merchant never read, and of one not authorized', async () => {
    const { body } = await postGraphQL(stack.gatewayUrl, MerchantsWithCloudEnvironmentsAgeDocument);
    const codes = Object.fromEntries(body.errors!.map((error) => [error.extensions?.['merchantId'], error.extensions?.['code']]));
    // m_2003's WeChat was always busy: it never had an answer to stand in. Held back after the
    // warm-up, it answers with its last failure's code until its probe meets the outage.
    expect(['WECHAT_BUSY', 'WECHAT_UNAVAILABLE']).toContain(codes['m_2003']);
    expect(codes['m_3001']).toBe('MERCHANT_NOT_AUTHORIZED');
    expect(Object.keys(codes)).not.toContain('m_1001');
  });
});
