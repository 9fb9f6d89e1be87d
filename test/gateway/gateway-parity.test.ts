/**
 * The same client operations through two real gateways, @apollo/gateway and Hive Gateway,
 * over one supergraph and one running subgraph: the answers agree, data and errors alike,
 * so a client sees the same codes, paths and WeChat details whichever gateway serves it.
 * Both send the router secret. The supergraph is composed from the default SDL, unmodified:
 * it links no authorization feature, which @apollo/gateway would refuse (router mode: test/auth/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHiveGateway, startHiveGateway } from '../../tools/hive-gateway.js';
import { startMerchantsSubgraph } from '../../tools/merchants-subgraph.js';
import { composeSupergraph } from '../../tools/supergraph.js';
import {
  MerchantCloudEnvironmentDocument,
  MerchantsAliasedEnvironmentsDocument,
  MerchantsWithCloudEnvironmentsDocument,
} from '../__generated__/graphql.js';
import { type RunningApolloGateway, startApolloGateway } from '../support/apollo-gateway.js';
import { comparableAnswer } from '../support/gateway-answer.js';
import { ENTITIES_QUERY, type GraphQLResponse, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';
import { registerSecrets } from '../support/suite-capture.js';

const ROUTER_SECRET = 'parity-test-router-secret-7f3a9c2e';

let stack: SubgraphStack;
let stopMerchants: () => Promise<void>;
let apollo: RunningApolloGateway;
let hive: RunningHiveGateway;

beforeAll(async () => {
  registerSecrets(ROUTER_SECRET);
  // The same operation goes through one gateway, then the other: with the usual back-off the
  // always-busy demo merchant would be held back (and say so) for the second. A 10 ms one
  // has passed by then, so both gateways meet WeChat's own answer.
  stack = await startSubgraphStack({ env: { ROUTER_SECRET, WECHAT_AUTHORIZER_BACKOFF_BASE_MS: '10', WECHAT_AUTHORIZER_BACKOFF_MAX_MS: '10' } });
  const merchants = await startMerchantsSubgraph();
  stopMerchants = merchants.stop;
  const { supergraphSdl } = composeSupergraph({ cloudEnvironments: stack.subgraph.url, merchants: merchants.url });
  apollo = await startApolloGateway({ supergraphSdl, routerSecret: ROUTER_SECRET });
  hive = await startHiveGateway({ supergraphSdl, routerSecret: ROUTER_SECRET, scopesOf: () => [], logLevel: 'error' });
});
afterAll(async () => {
  await hive?.close();
  await apollo?.stop();
  await stopMerchants?.();
  await stack?.stop();
});

/** One operation through each gateway in turn. */
async function throughBoth<TData>(
  send: (url: string) => Promise<GraphQLResponse<TData>>,
): Promise<{ apollo: GraphQLResponse<TData>; hive: GraphQLResponse<TData> }> {
  return { apollo: await send(apollo.url), hive: await send(hive.url) };
}

describe('@apollo/gateway and Hive Gateway', () => {
  it('give every merchant the same data and each failing merchant the same error', async () => {
    const answers = await throughBoth((url) => postGraphQL(url, MerchantsWithCloudEnvironmentsDocument, {}));
    expect(comparableAnswer(answers.hive)).toEqual(comparableAnswer(answers.apollo));

    const merchants = answers.hive.body.data!.merchants;
    expect(merchants[0]?.cloudEnvironments).toHaveLength(4);
    const expired = answers.hive.body.errors?.find((error) => error.extensions?.['merchantId'] === 'm_2001');
    expect(expired).toMatchObject({
      path: ['merchants', 3, 'cloudEnvironments'],
      extensions: { code: 'AUTHORIZER_TOKEN_EXPIRED', retryable: false, wechat: { errcode: 42001, rid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/) } },
    });
    expect(answers.hive.body.errors).toHaveLength(6);
  });

  it('answer one merchant filtered to one environment alike', async () => {
    const answers = await throughBoth((url) => postGraphQL(url, MerchantCloudEnvironmentDocument, { id: 'm_1003', env: 'shop-3a7c1e' }));
    expect(comparableAnswer(answers.hive)).toEqual(comparableAnswer(answers.apollo));
    expect(answers.hive.body.errors).toBeUndefined();
    expect(answers.hive.body.data?.merchant?.cloudEnvironments?.map((environment) => environment.env)).toEqual(['shop-3a7c1e']);
  });

  it('refuse a malformed env alike: BAD_USER_INPUT at the client path, the merchant kept', async () => {
    const answers = await throughBoth((url) => postGraphQL(url, MerchantCloudEnvironmentDocument, { id: 'm_1001', env: 'prod; DROP TABLE' }));
    expect(comparableAnswer(answers.hive)).toEqual(comparableAnswer(answers.apollo));
    expect(answers.hive.body.data?.merchant).toEqual({ id: 'm_1001', name: 'Acme Coffee', cloudEnvironments: null });
    expect(answers.hive.body.errors).toMatchObject([{ path: ['merchant', 'cloudEnvironments'], extensions: { code: 'BAD_USER_INPUT' } }]);
  });

  it('answer aliased selections of the field alike, each alias with its own error', async () => {
    const answers = await throughBoth((url) => postGraphQL(url, MerchantsAliasedEnvironmentsDocument, { env: 'prod-7g3k9d' }));
    expect(comparableAnswer(answers.hive)).toEqual(comparableAnswer(answers.apollo));
    expect(answers.hive.body.data?.merchants[0]?.one).toEqual([{ env: 'prod-7g3k9d', status: 'NORMAL' }]);
    const paths = answers.hive.body.errors?.filter((error) => error.extensions?.['merchantId'] === 'm_2004').map((error) => error.path);
    expect(paths).toEqual(expect.arrayContaining([['merchants', 6, 'all'], ['merchants', 6, 'one'], ['merchants', 6, 'again']]));
  });

  it('both send the router secret, without which the subgraph answers nothing', async () => {
    const direct = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_1003') });
    expect(direct.status).toBe(401);
    expect(direct.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });
});
