/**
 * MERCHANT_AUTHORIZER_FIELD through two real, unmodified gateways, @apollo/gateway and Hive
 * Gateway, over the supergraph composed with a merchants subgraph that serves each
 * merchant's appid: the gateways send it with the representations (`@requires`), and the
 * subgraph answers from it alone. It runs stateless, as the mode allows with the platform's
 * tokens: no AUTHORIZERS_FILE, no Redis, no component credentials, so its registry holds
 * nothing and every answer below comes from what the gateway sent.
 */
import type { ResultOf } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET_ENV_INFO_PATH } from '../../src/simulator/index.js';
import { type RunningHiveGateway, startHiveGateway } from '../../tools/hive-gateway.js';
import { type MerchantRecord, startMerchantsSubgraph } from '../../tools/merchants-subgraph.js';
import { composeSupergraph } from '../../tools/supergraph.js';
import { MerchantCloudEnvironmentDocument, MerchantsWithCloudEnvironmentsDocument } from '../__generated__/graphql.js';
import { type RunningApolloGateway, startApolloGateway } from '../support/apollo-gateway.js';
import { comparableAnswer } from '../support/gateway-answer.js';
import { type GraphQLResponse, postGraphQL } from '../support/graphql-http.js';
import { TEST_COMPONENT } from '../support/merchants.js';
import { TestPlatform, TestTokenService, platformAuthorizers } from '../support/platform.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';
import { registerSecrets } from '../support/suite-capture.js';

const FIELD = 'wechatAppId';
const ROUTER_SECRET = 'requires-test-router-secret-2b7e41';
const [A0, A1] = platformAuthorizers.map((authorizer) => authorizer.appId) as [string, string];
const MERCHANTS: MerchantRecord[] = [
  { id: 'm_0', name: 'Shared Storefront North', authorizerAppId: A0 },
  { id: 'm_1', name: 'Shared Storefront South', authorizerAppId: A0 },
  { id: 'm_2', name: 'Own Mini Program Shop', authorizerAppId: A1 },
  { id: 'm_3', name: 'No Mini Program Market', authorizerAppId: null },
  { id: 'm_4', name: 'Mistyped Appid Bakery', authorizerAppId: 'wx-not-an-appid' },
];

const service = new TestTokenService('requires-platform-secret-8d0c3f');
let stack: SubgraphStack;
let stopMerchants: () => Promise<void>;
let apollo: RunningApolloGateway;
let hive: RunningHiveGateway;

beforeAll(async () => {
  registerSecrets(ROUTER_SECRET);
  await service.start();
  stack = await startSubgraphStack({
    simulator: { authorizers: platformAuthorizers, component: TEST_COMPONENT },
    env: {
      MERCHANT_AUTHORIZER_FIELD: FIELD,
      TOKEN_SOURCE: 'platform',
      PLATFORM_TOKEN_URL: service.urlTemplate,
      PLATFORM_TOKEN_SECRET: service.secret,
      AUTHORIZERS_FILE: '',
      WECHAT_COMPONENT_APPID: '',
      WECHAT_COMPONENT_APPSECRET: '',
      WECHAT_COMPONENT_VERIFY_TICKET: '',
      ROUTER_SECRET,
    },
  });
  const platform = new TestPlatform(stack.simulator, TEST_COMPONENT, platformAuthorizers);
  for (const appId of [A0, A1]) service.tokens.set(appId, { token: await platform.mint(appId), expiresInSeconds: 7200 });
  const merchants = await startMerchantsSubgraph({ merchants: MERCHANTS, authorizerField: FIELD });
  stopMerchants = merchants.stop;
  const { supergraphSdl } = composeSupergraph({ cloudEnvironments: stack.subgraph.url, merchants: merchants.url }, { authorizerField: FIELD });
  apollo = await startApolloGateway({ supergraphSdl, routerSecret: ROUTER_SECRET });
  hive = await startHiveGateway({ supergraphSdl, routerSecret: ROUTER_SECRET, scopesOf: () => [], logLevel: 'error' });
});
afterAll(async () => {
  await hive?.close();
  await apollo?.stop();
  await stopMerchants?.();
  await stack?.stop();
  await service.stop();
});

/** One operation through each gateway in turn, with the getEnvInfo calls each one cost. */
async function throughBoth<TData>(send: (url: string) => Promise<GraphQLResponse<TData>>) {
  const calls = () => stack.simulator.calls.filter((call) => call.path === GET_ENV_INFO_PATH).map((call) => call.accessToken);
  stack.simulator.resetCalls();
  const apolloAnswer = await send(apollo.url);
  const apolloCalls = calls();
  stack.simulator.resetCalls();
  const hiveAnswer = await send(hive.url);
  return { apollo: apolloAnswer, hive: hiveAnswer, calls: { apollo: apolloCalls, hive: calls() } };
}

describe('MERCHANT_AUTHORIZER_FIELD through @apollo/gateway and Hive Gateway', () => {
  // Every merchant in one operation through each gateway; the tests read its answers.
  let answers: Awaited<ReturnType<typeof throughBoth<ResultOf<typeof MerchantsWithCloudEnvironmentsDocument>>>>;
  beforeAll(async () => {
    answers = await throughBoth((url) => postGraphQL(url, MerchantsWithCloudEnvironmentsDocument, {}));
  });

  it('serve mapped merchants from the appid the merchants subgraph gives, the same through both', () => {
    expect(comparableAnswer(answers.hive)).toEqual(comparableAnswer(answers.apollo));
    const merchants = answers.hive.body.data!.merchants;
    expect(merchants.map((merchant) => merchant.name)).toEqual(MERCHANTS.map((merchant) => merchant.name));
    expect(merchants[0]?.cloudEnvironments).toEqual([expect.objectContaining({ env: 'a0-env', status: 'NORMAL' })]);
    expect(merchants[1]?.cloudEnvironments).toEqual(merchants[0]?.cloudEnvironments);
    expect(merchants[2]?.cloudEnvironments).toEqual([expect.objectContaining({ env: 'a1-env' })]);
  });

  it('answer MERCHANT_NOT_AUTHORIZED for a merchant without a mini program and BAD_USER_INPUT for a malformed appid, at the client path', () => {
    for (const answer of [answers.apollo, answers.hive]) {
      expect(answer.body.data!.merchants.slice(3)).toEqual([
        { id: 'm_3', name: 'No Mini Program Market', cloudEnvironments: null },
        { id: 'm_4', name: 'Mistyped Appid Bakery', cloudEnvironments: null },
      ]);
      expect(answer.body.errors).toMatchObject([
        { path: ['merchants', 3, 'cloudEnvironments'], extensions: { code: 'MERCHANT_NOT_AUTHORIZED', retryable: false, merchantId: 'm_3' } },
        { path: ['merchants', 4, 'cloudEnvironments'], extensions: { code: 'BAD_USER_INPUT', retryable: false, merchantId: 'm_4', field: FIELD } },
      ]);
    }
  });

  it('cost one getEnvInfo call per authorizer per operation, and none for the two without a good appid', () => {
    for (const calls of [answers.calls.apollo, answers.calls.hive]) {
      expect(calls).toHaveLength(2);
      expect(new Set(calls)).toEqual(new Set([service.tokens.get(A0)!.token, service.tokens.get(A1)!.token]));
    }
  });

  it('answer one merchant, filtered to one environment, alike', async () => {
    const one = await throughBoth((url) => postGraphQL(url, MerchantCloudEnvironmentDocument, { id: 'm_2', env: 'a1-env' }));
    expect(comparableAnswer(one.hive)).toEqual(comparableAnswer(one.apollo));
    expect(one.hive.body.errors).toBeUndefined();
    expect(one.hive.body.data?.merchant?.cloudEnvironments?.map((environment) => environment.env)).toEqual(['a1-env']);
  });
});

describe('the subgraph behind them', () => {
  it('is ready with no authorizers file, no Redis and no component credentials', async () => {
    const response = await fetch(new URL('/readyz', stack.subgraph.url));
    expect(response.status).toBe(200);
  });

  it('knows no merchant itself: the same merchant without the appid is MERCHANT_NOT_AUTHORIZED, with no call', async () => {
    stack.simulator.resetCalls();
    const document = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { id cloudEnvironments { env } } } }';
    const { body } = await postGraphQL(stack.subgraph.url, document, { r: [{ __typename: 'Merchant', id: 'm_0' }] }, { 'router-authorization': ROUTER_SECRET });
    expect(body.errors).toMatchObject([{ extensions: { code: 'MERCHANT_NOT_AUTHORIZED', merchantId: 'm_0' } }]);
    expect(stack.simulator.callCount()).toBe(0);
  });
});
