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
import { getMetadataStorage } from 'type-graphql';
import { DIRECT_PARAMETERS, buildCloudEnvironmentsSchema } from '../../src/schema/build-schema.js';
import { MerchantResolver } from '../../src/schema/merchant-resolver.js';

const committed = (name: string) => readFile(new URL(`../../schema/${name}`, import.meta.url), 'utf8');

describe('the subgraph schema', () => {
  it('is the SDL committed under schema/', async () => {
    expect(`${printCloudEnvironmentsSdl()}\n`).toBe(await committed('cloud-environments.graphql'));
  });

  it('links Federation 2.7 and keys Merchant by id', () => {
    const sdl = printCloudEnvironmentsSdl();
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.7", import: \["@key", "@requiresScopes"\]\)/);
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

  it('gives resolvers only to fields that compute something; plain fields use the default resolver', () => {
    const schema = buildCloudEnvironmentsSchema();
    const resolved: string[] = [];
    for (const name of ['Merchant', 'CloudEnvironment']) {
      const type = schema.getType(name);
      if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
      for (const field of Object.values(type.getFields())) if (field.resolve) resolved.push(`${name}.${field.name}`);
    }
    expect(resolved).toEqual(['Merchant.cloudEnvironments']);
  });

  it('calls Merchant.cloudEnvironments with its parameters in the order its decorators declare them', () => {
    buildCloudEnvironmentsSchema();
    const declared = getMetadataStorage()
      .params.filter((param) => param.target === MerchantResolver && param.methodName === 'cloudEnvironments')
      .sort((a, b) => a.index - b.index)
      .map((param) => (param.kind === 'arg' ? `arg ${param.name}` : param.kind));
    expect(declared).toEqual([...DIRECT_PARAMETERS]);
  });
});
