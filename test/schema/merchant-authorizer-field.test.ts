/**
 * The SDL under MERCHANT_AUTHORIZER_FIELD: the field `@external` on Merchant,
 * cloudEnvironments `@requires` it, the `@link` importing exactly what the SDL uses; it
 * composes only beside a merchants subgraph that resolves the field; and type-graphql's
 * resolver is still the one that computes (test/integration/ runs it with the appid).
 */
import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { buildSchema, isObjectType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildCloudEnvironmentsSchema } from '../../src/schema/build-schema.js';
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

describe('the resolvers that run', () => {
  it('are still type-graphql’s: only Merchant.cloudEnvironments computes, and the external field has no resolver here', () => {
    const schema = buildCloudEnvironmentsSchema({ authorizerField: FIELD });
    const merchant = schema.getType('Merchant');
    if (!isObjectType(merchant)) throw new Error('Merchant is not an object type');
    const computed = Object.values(merchant.getFields()).filter((field) => field.resolve).map((field) => field.name);
    expect(computed).toEqual(['cloudEnvironments']);
    expect(merchant.getFields()[FIELD]?.astNode?.directives?.map((directive) => directive.name.value)).toEqual(['external']);
  });
});
