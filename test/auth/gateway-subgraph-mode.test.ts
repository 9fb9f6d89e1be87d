/**
 * AUTHORIZATION=subgraph through real, unmodified gateways: @apollo/gateway (a
 * RemoteGraphQLDataSource forwarding Authorization) and Hive Gateway (propagateHeaders)
 * give the same answers and the same refusals at the client path. The router mode and
 * both modes at once: gateway-router-mode.test.ts.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RunningHiveGateway, startHiveGateway } from '../../tools/hive-gateway.js';
import { composeSupergraph } from '../../tools/supergraph.js';
import { GET_ENV_INFO_PATH } from '../../src/simulator/index.js';
import { MerchantCloudEnvironmentDocument, MerchantsWithCloudEnvironmentsDocument } from '../__generated__/graphql.js';
import { type RunningApolloGateway, startApolloGateway } from '../support/apollo-gateway.js';
import { comparableAnswer } from '../support/gateway-answer.js';
import { postGraphQL } from '../support/graphql-http.js';
import { useAuthorizationWorld } from '../support/gateway-authorization.js';
import { signToken } from '../support/identity-provider.js';
import type { SubgraphStack } from '../support/stack.js';

const SCOPE = 'merchant:cloud-environments:read';
const ONE_MERCHANT = { id: 'm_1003' };

const world = useAuthorizationWorld();

describe('AUTHORIZATION=subgraph behind @apollo/gateway and Hive Gateway', () => {
  let stack: SubgraphStack;
  let apollo: RunningApolloGateway;
  let hive: RunningHiveGateway;

  beforeAll(async () => {
    stack = await world.stackWith({ AUTHORIZATION: 'subgraph' });
    const { supergraphSdl } = composeSupergraph({ cloudEnvironments: stack.subgraph.url, merchants: world.merchantsUrl });
    apollo = await startApolloGateway({ supergraphSdl, forwardAuthorization: true });
    world.onStop(() => apollo.stop());
    hive = await startHiveGateway({ supergraphSdl, forwardAuthorization: true, scopesOf: () => [], logLevel: 'error' });
    world.onStop(() => hive.close());
  });

  async function throughBoth<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, headers: Record<string, string>, variables?: TVariables) {
    stack.simulator.resetCalls();
    const answers = { apollo: await postGraphQL(apollo.url, document, variables, headers), hive: await postGraphQL(hive.url, document, variables, headers) };
    expect(comparableAnswer(answers.hive)).toEqual(comparableAnswer(answers.apollo));
    return answers;
  }

  it('serve a caller whose forwarded token holds the scope', async () => {
    const token = await signToken(world.rsa, { claims: { scope: SCOPE } });
    const { hive: answer } = await throughBoth(MerchantCloudEnvironmentDocument, { authorization: `Bearer ${token}` }, ONE_MERCHANT);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.merchant?.cloudEnvironments?.map((environment) => environment.env)).toEqual(['shop-3a7c1e']);
  });

  it('refuse a caller without a token: every merchant keeps its name, its cloudEnvironments null with UNAUTHENTICATED at the client path', async () => {
    const { hive: answer } = await throughBoth(MerchantsWithCloudEnvironmentsDocument, {}, {});
    const list = answer.body.data!.merchants;
    expect(list).toHaveLength(9);
    expect(list[0]).toEqual({ id: 'm_1001', name: 'Acme Coffee', cloudEnvironments: null });
    expect(list.every((merchant) => merchant.cloudEnvironments === null)).toBe(true);
    expect(answer.body.errors).toHaveLength(9);
    expect(answer.body.errors?.[3]).toMatchObject({ path: ['merchants', 3, 'cloudEnvironments'], extensions: { code: 'UNAUTHENTICATED', merchantId: 'm_2001' } });
    expect(stack.simulator.callCount(GET_ENV_INFO_PATH)).toBe(0);
  });

  it('refuse an expired token, and a valid one without the scope (FORBIDDEN), alike', async () => {
    const expired = await signToken(world.rsa, { claims: { scope: SCOPE }, expiresIn: -120 });
    const noScope = await signToken(world.rsa, { claims: { scope: 'profile:read' } });
    const refused = await throughBoth(MerchantCloudEnvironmentDocument, { authorization: `Bearer ${expired}` }, ONE_MERCHANT);
    expect(refused.hive.body.data?.merchant).toEqual({ id: 'm_1003', name: 'Blue Harbor Books', cloudEnvironments: null });
    expect(refused.hive.body.errors).toMatchObject([{ path: ['merchant', 'cloudEnvironments'], extensions: { code: 'UNAUTHENTICATED' } }]);
    const forbidden = await throughBoth(MerchantCloudEnvironmentDocument, { authorization: `Bearer ${noScope}` }, ONE_MERCHANT);
    expect(forbidden.hive.body.errors).toMatchObject([{ path: ['merchant', 'cloudEnvironments'], extensions: { code: 'FORBIDDEN', merchantId: 'm_1003' } }]);
    expect(stack.simulator.callCount(GET_ENV_INFO_PATH)).toBe(0);
  });
});
