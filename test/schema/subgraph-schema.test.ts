/**
 * The schema as the supergraph sees it: it composes with a merchants subgraph, every
 * type, field, argument and enum value is described, and the WeChat-backed field stays
 * nullable so one merchant's failure cannot null anything above it.
 */
import { readFile } from 'node:fs/promises';
import { type GraphQLSchema, buildSchema, isEnumType, isListType, isNonNullType, isObjectType, isScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printCloudEnvironmentsSdl } from '../../src/schema/print-schema.js';
import { composeSupergraph } from '../../tools/supergraph.js';
import { buildCloudEnvironmentsSchema } from '../../src/schema/build-schema.js';
import { merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { useSubgraphStack } from '../support/stack.js';

const committed = (name: string) => readFile(new URL(`../../schema/${name}`, import.meta.url), 'utf8');

describe('the subgraph schema', () => {
  it('is the SDL committed under schema/', async () => {
    expect(`${printCloudEnvironmentsSdl()}\n`).toBe(await committed('cloud-environments.graphql'));
  });

  it('links Federation 2.7, importing only @key, and keys Merchant by id', () => {
    const sdl = printCloudEnvironmentsSdl();
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.7", import: \["@key"\]\)/);
    expect(sdl).not.toContain('@requiresScopes');
    expect(sdl).toMatch(/type Merchant\s+@key\(fields: "id"\)/);
  });

  it('composes with the merchants subgraph without errors', () => {
    const { supergraphSdl, apiSchemaSdl } = composeSupergraph();
    expect(supergraphSdl).toContain('cloudEnvironments');
    const api = buildSchema(apiSchemaSdl);
    const merchant = api.getType('Merchant');
    expect(isObjectType(merchant) && Object.keys(merchant.getFields()).sort()).toEqual(['cloudEnvironments', 'id', 'name']);
  });

  it('keeps Merchant.cloudEnvironments a nullable list of non-null environments', () => {
    const api = buildSchema(composeSupergraph().apiSchemaSdl);
    const merchant = api.getType('Merchant');
    if (!isObjectType(merchant)) throw new Error('Merchant is not an object type');
    const field = merchant.getFields()['cloudEnvironments']!;
    expect(isNonNullType(field.type)).toBe(false);
    expect(isListType(field.type) && isNonNullType(field.type.ofType)).toBe(true);
    expect(field.args.map((arg) => `${arg.name}: ${String(arg.type)}`)).toEqual(['env: String']);
  });

  it('describes every type, field, argument and enum value this subgraph defines', () => {
    const schema: GraphQLSchema = buildSchema(printCloudEnvironmentsSdl().replace(/^extend schema[^\n]*\n[^\n]*\n/, ''), {
      assumeValid: true,
    });
    const undescribed: string[] = [];
    for (const name of ['Merchant', 'CloudEnvironment', 'CloudEnvironmentStatus', 'DateTime']) {
      const type = schema.getType(name)!;
      if (!type.description) undescribed.push(name);
      if (isObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) undescribed.push(`${name}.${field.name}`);
          for (const arg of field.args) if (!arg.description) undescribed.push(`${name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) if (!value.description) undescribed.push(`${name}.${value.name}`);
      }
      if (isScalarType(type) && !type.specifiedByURL) undescribed.push(`${name} @specifiedBy`);
    }
    expect(undescribed).toEqual([]);
  });

  it('puts @requiresScopes(scopes: [[scope]]) on Merchant.cloudEnvironments only when a scope is required (AUTHORIZATION=router)', () => {
    const sdl = printCloudEnvironmentsSdl({ requiredScope: 'orders:read' });
    expect(sdl).toMatch(/import: \["@key", "@requiresScopes"\]\)/);
    expect(sdl).toMatch(/\): \[CloudEnvironment!\] @requiresScopes\(scopes: \[\["orders:read"\]\]\)/);
    expect(sdl.match(/@requiresScopes\(/g)).toHaveLength(1);
  });

  it('leaves plain fields to the default resolver (type-graphql simpleResolvers): only Merchant.cloudEnvironments computes', () => {
    const schema = buildCloudEnvironmentsSchema();
    const resolved: string[] = [];
    for (const name of ['Merchant', 'CloudEnvironment']) {
      const type = schema.getType(name);
      if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
      for (const field of Object.values(type.getFields())) if (field.resolve) resolved.push(`${name}.${field.name}`);
    }
    expect(resolved).toEqual(['Merchant.cloudEnvironments']);
  });

  describe('run through the subgraph against the simulator', () => {
    const stack = useSubgraphStack();

    it("runs MerchantResolver.cloudEnvironments with the representation's id, the env argument and the operation's loaders", async () => {
      const { body } = await postGraphQL(
        stack.subgraph.url,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { id all: cloudEnvironments { env } one: cloudEnvironments(env: "staging-2b8f1c") { env } } } }`,
        { r: merchantRepresentations('m_1001', 'm_1003') },
      );
      expect(body.errors).toBeUndefined();
      // Each merchant its own authorizer's environments (the id reached the resolver); with env, only that one (the argument did).
      expect(body.data._entities).toEqual([
        { id: 'm_1001', all: [{ env: 'prod-7g3k9d' }, { env: 'staging-2b8f1c' }, { env: 'sandbox-5d1e7a' }, { env: 'legacy-9c4a2f' }], one: [{ env: 'staging-2b8f1c' }] },
        { id: 'm_1003', all: [{ env: 'shop-3a7c1e' }], one: [] },
      ]);
      // Both fields of an authorizer went through the operation's loader: one WeChat call each.
      expect(stack.simulator.callCount('/tcb/getenvinfo')).toBe(2);
    });
  });
});
