/**
 * AUTHORIZATION=router through real gateways: Hive Gateway enforces the SDL's
 * @requiresScopes, which an unmodified @apollo/gateway refuses to load. Both modes at once
 * behind Hive Gateway: the router's check, then the subgraph's.
 */
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RunningHiveGateway, scopesFromHeader, startHiveGateway } from '../../tools/hive-gateway.js';
import { composeSupergraph } from '../../tools/supergraph.js';
import { GET_ENV_INFO_PATH } from '../../src/simulator/index.js';
import { MerchantCloudEnvironmentDocument, MerchantsWithCloudEnvironmentsDocument } from '../__generated__/graphql.js';
import { startApolloGateway } from '../support/apollo-gateway.js';
import { postGraphQL } from '../support/graphql-http.js';
import { useAuthorizationWorld } from '../support/gateway-authorization.js';
import { signToken, signingKey } from '../support/identity-provider.js';
import type { SubgraphStack } from '../support/stack.js';

const SCOPE = 'merchant:cloud-environments:read';
const ONE_MERCHANT = { id: 'm_1003' };

const world = useAuthorizationWorld();

/** The scopes a deployed Hive Gateway's JWT plugin would read; here decoded unverified, so the subgraph's own check is what stops a forged token. */
const scopesOfBearer = (headers: Headers): readonly string[] => {
  const token = headers.get('authorization')?.replace(/^Bearer /i, '');
  if (!token) return [];
  const scope = decodeJwt(token)['scope'];
  return typeof scope === 'string' ? scope.split(' ') : [];
};

describe('AUTHORIZATION=router', () => {
  const CUSTOM_SCOPE = 'shops:environments:read';
  let stack: SubgraphStack;
  let supergraphSdl: string;
  let hive: RunningHiveGateway;

  beforeAll(async () => {
    stack = await world.stackWith({ AUTHORIZATION: 'router', AUTH_SCOPE: CUSTOM_SCOPE });
    ({ supergraphSdl } = composeSupergraph({ cloudEnvironments: stack.subgraph.url, merchants: world.merchantsUrl }, { requiredScope: CUSTOM_SCOPE }));
    hive = await startHiveGateway({ supergraphSdl, scopesOf: scopesFromHeader('x-scopes'), logLevel: 'error' });
    world.onStop(() => hive.close());
  });

  it('serves @requiresScopes(scopes: [[AUTH_SCOPE]]) on Merchant.cloudEnvironments in _service { sdl }', async () => {
    const { body } = await postGraphQL(stack.subgraph.url, '{ _service { sdl } }');
    expect(body.data._service.sdl).toContain('import: ["@key", "@requiresScopes"]');
    expect(body.data._service.sdl).toMatch(/\): \[CloudEnvironment!\] @requiresScopes\(scopes: \[\["shops:environments:read"\]\]\)/);
  });

  it('Hive Gateway answers cloudEnvironments null with UNAUTHORIZED_FIELD_OR_TYPE to a caller without the scope, and asks WeChat nothing', async () => {
    stack.simulator.resetCalls();
    const { status, body } = await postGraphQL(hive.url, MerchantsWithCloudEnvironmentsDocument, {}, { 'x-scopes': 'profile:read' });
    expect(status).toBe(200);
    expect(body.data?.merchants.map((merchant) => merchant.name)).toContain('Acme Coffee');
    expect(body.data?.merchants.every((merchant) => merchant.cloudEnvironments === null)).toBe(true);
    expect(body.errors).toMatchObject([{ message: 'Unauthorized field or type', extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }]);
    expect(stack.simulator.callCount(GET_ENV_INFO_PATH)).toBe(0);
  });

  it('Hive Gateway serves a caller holding the scope', async () => {
    const { body } = await postGraphQL(hive.url, MerchantCloudEnvironmentDocument, ONE_MERCHANT, { 'x-scopes': `profile:read ${CUSTOM_SCOPE}` });
    expect(body.errors).toBeUndefined();
    expect(body.data?.merchant?.cloudEnvironments).toHaveLength(1);
  });

  it('an unmodified @apollo/gateway refuses the supergraph, which is why it is not the default', async () => {
    await expect(startApolloGateway({ supergraphSdl })).rejects.toThrow(/requiresScopes\/v0\.1 is for: SECURITY but is unsupported/);
  });
});

describe('AUTHORIZATION=router,subgraph behind Hive Gateway', () => {
  let stack: SubgraphStack;
  let hive: RunningHiveGateway;

  beforeAll(async () => {
    stack = await world.stackWith({ AUTHORIZATION: 'router,subgraph' });
    const { supergraphSdl } = composeSupergraph({ cloudEnvironments: stack.subgraph.url, merchants: world.merchantsUrl }, { requiredScope: SCOPE });
    hive = await startHiveGateway({ supergraphSdl, forwardAuthorization: true, scopesOf: scopesOfBearer, logLevel: 'error' });
    world.onStop(() => hive.close());
  });

  it('serves a caller whose valid token holds the scope', async () => {
    const { body } = await postGraphQL(hive.url, MerchantCloudEnvironmentDocument, ONE_MERCHANT, { authorization: `Bearer ${await signToken(world.rsa, { claims: { scope: SCOPE } })}` });
    expect(body.errors).toBeUndefined();
    expect(body.data?.merchant?.cloudEnvironments).toHaveLength(1);
  });

  it('the router stops a token without the scope before the subgraph', async () => {
    stack.simulator.resetCalls();
    const { body } = await postGraphQL(hive.url, MerchantCloudEnvironmentDocument, ONE_MERCHANT, { authorization: `Bearer ${await signToken(world.rsa, { claims: { scope: 'profile:read' } })}` });
    expect(body.errors).toMatchObject([{ extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }]);
    expect(stack.simulator.callCount(GET_ENV_INFO_PATH)).toBe(0);
  });

  it('the subgraph stops a forged token the router let through', async () => {
    stack.simulator.resetCalls();
    const forger = await signingKey('RS256', world.rsa.kid);
    const forged = await signToken(forger, { claims: { scope: SCOPE } });
    const { body } = await postGraphQL(hive.url, MerchantCloudEnvironmentDocument, ONE_MERCHANT, { authorization: `Bearer ${forged}` });
    expect(body.data?.merchant).toEqual({ id: 'm_1003', name: 'Blue Harbor Books', cloudEnvironments: null });
    expect(body.errors).toMatchObject([{ path: ['merchant', 'cloudEnvironments'], extensions: { code: 'UNAUTHENTICATED' } }]);
    expect(stack.simulator.callCount(GET_ENV_INFO_PATH)).toBe(0);
  });
});
