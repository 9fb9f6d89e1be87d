/**
 * The SDL under MERCHANT_AUTHORIZER_FIELD: the field `@external` on Merchant,
 * cloudEnvironments `@requires` it, the `@link` importing exactly what the SDL uses; it
 * composes only beside a merchants subgraph that resolves the field; and the type-graphql
 * resolver class still runs, handed the appid the representation carried.
 */
import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { buildSchema, execute, isObjectType, parse } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { buildCloudEnvironmentsSchema } from '../../src/schema/build-schema.js';
import { Merchant } from '../../src/schema/merchant.js';
import { MerchantResolver } from '../../src/schema/merchant-resolver.js';
import { printCloudEnvironmentsSdl } from '../../src/schema/print-schema.js';
import { merchantsTypeDefs } from '../../tools/merchants-subgraph.js';
import { composeSupergraph } from '../../tools/supergraph.js';

const FIELD = 'wechatAppId';
const sdl = printCloudEnvironmentsSdl({ authorizerField: FIELD });

describe('the SDL with MERCHANT_AUTHORIZER_FIELD', () => {
  it('declares the field @external, a nullable String, and cloudEnvironments @requires it, each once', () => {
    expect(sdl).toMatch(/\n {2}wechatAppId: String @external\n/);
    expect(sdl).toMatch(/\): \[CloudEnvironment!\] @requires\(fields: "wechatAppId"\)\n/);
    expect(sdl.match(/@external/g)).toHaveLength(2); // the import and the field
    expect(sdl.match(/@requires\b/g)).toHaveLength(2);
  });

  it('links Federation 2.7 importing exactly @key, @external and @requires (and @requiresScopes beside AUTHORIZATION=router)', () => {
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@external", "@requires"])');
    const both = printCloudEnvironmentsSdl({ authorizerField: FIELD, requiredScope: 'orders:read' });
    expect(both).toContain('import: ["@key", "@external", "@requires", "@requiresScopes"])');
    expect(both).toMatch(/\): \[CloudEnvironment!\] @requiresScopes\(scopes: \[\["orders:read"\]\]\) @requires\(fields: "wechatAppId"\)\n/);
  });

  it('uses the configured field name', () => {
    const other = printCloudEnvironmentsSdl({ authorizerField: 'miniProgramAppId' });
    expect(other).toMatch(/miniProgramAppId: String @external[\s\S]*@requires\(fields: "miniProgramAppId"\)/);
    expect(other).not.toContain(FIELD);
  });

  it('is unchanged without it: nothing external, nothing required', () => {
    expect(printCloudEnvironmentsSdl()).not.toMatch(/@external|@requires\b/);
  });

  it('is committed as schema/cloud-environments.wechat-app-id.graphql', async () => {
    expect(await readFile(new URL('../../schema/cloud-environments.wechat-app-id.graphql', import.meta.url), 'utf8')).toBe(`${sdl}\n`);
  });
});

describe('composing it', () => {
  it('composes beside a merchants subgraph that resolves the field, whose own description the client sees', () => {
    const { supergraphSdl, apiSchemaSdl } = composeSupergraph(undefined, { authorizerField: FIELD });
    expect(supergraphSdl).toMatch(/cloudEnvironments\([^)]*\): \[CloudEnvironment!\] @join__field\(graph: CLOUD_ENVIRONMENTS, requires: "wechatAppId"\)/);
    const merchant = buildSchema(apiSchemaSdl).getType('Merchant');
    if (!isObjectType(merchant)) throw new Error('Merchant is not an object type');
    expect(Object.keys(merchant.getFields()).sort()).toEqual(['cloudEnvironments', 'id', 'name', FIELD]);
    expect(merchant.getFields()[FIELD]?.description).toBe("The merchant's WeChat mini program appid; null when it has none.");
  });

  it('does not compose beside a merchants subgraph without the field, or with it non-null: the field must be a nullable String there', () => {
    const compose = (merchants: string) =>
      composeServices([
        { name: 'merchants', url: 'http://merchants/graphql', typeDefs: parse(merchants) },
        { name: 'cloud-environments', url: 'http://cloud-environments/graphql', typeDefs: parse(sdl) },
      ]).errors?.map((error) => error.message);
    const merchants = (field: string) =>
      `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"]) type Merchant @key(fields: "id") { id: ID! ${field} } type Query { merchants: [Merchant!]! }`;
    expect(compose(merchants(''))).toEqual([expect.stringContaining('wechatAppId')]);
    expect(compose(merchants('wechatAppId: String!'))).toEqual([expect.stringMatching(/Type of field "Merchant\.wechatAppId" is incompatible across subgraphs/)]);
    expect(compose(merchants('wechatAppId: String'))).toBeUndefined();
    expect(merchantsTypeDefs(FIELD).loc?.source.body).toContain('wechatAppId: String\n');
  });
});

describe('the resolver that runs', () => {
  it('is MerchantResolver.cloudEnvironments, handed a Merchant carrying the representation’s appid', async () => {
    const resolved = [{ env: 'test2-4a89da' }];
    const method = vi.spyOn(MerchantResolver.prototype, 'cloudEnvironments').mockResolvedValue(resolved as never);
    try {
      const contextValue = { marker: 'the operation context' };
      const result = await execute({
        schema: buildCloudEnvironmentsSchema({ authorizerField: FIELD }),
        document: parse(`{ _entities(representations: [
          { __typename: "Merchant", id: "m_1", wechatAppId: "wx5f3c0a1b2c3d4e5f" },
          { __typename: "Merchant", id: "m_2" }
        ]) { ... on Merchant { id cloudEnvironments { env } } } }`),
        contextValue,
      });
      expect(result).toEqual({ data: { _entities: [{ id: 'm_1', cloudEnvironments: resolved }, { id: 'm_2', cloudEnvironments: resolved }] } });
      const roots = method.mock.calls.map(([root]) => root);
      expect(roots.every((root) => root instanceof Merchant)).toBe(true);
      expect(roots).toEqual([
        { id: 'm_1', representedAuthorizer: { field: FIELD, value: 'wx5f3c0a1b2c3d4e5f' } },
        { id: 'm_2', representedAuthorizer: { field: FIELD, value: undefined } },
      ]);
    } finally {
      method.mockRestore();
    }
  });
});
