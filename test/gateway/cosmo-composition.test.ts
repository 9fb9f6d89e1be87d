/**
 * WunderGraph Cosmo composes the subgraph as served, beside the merchants stand-in: by
 * default, with AUTHORIZATION=router, whose @requiresScopes Cosmo Router enforces, and with
 * MERCHANT_AUTHORIZER_FIELD, whose @requires Cosmo Router's configuration carries.
 */
import { federateSubgraphs } from '@wundergraph/composition';
import { isObjectType, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { type SchemaOptions } from '../../src/schema/build-schema.js';
import { printCloudEnvironmentsSdl } from '../../src/schema/print-schema.js';
import { merchantsTypeDefs } from '../../tools/merchants-subgraph.js';
import { CLOUD_ENVIRONMENTS_SUBGRAPH, LOCAL_URLS } from '../../tools/supergraph.js';

/** This subgraph's SDL under `options`, beside the merchants stand-in (by default serving the field `options` requires, if any). */
function composeWithCosmo(options: SchemaOptions, merchants = merchantsTypeDefs(options.authorizerField)) {
  return federateSubgraphs({
    subgraphs: [
      { name: 'merchants', url: LOCAL_URLS.merchants, definitions: merchants },
      { name: CLOUD_ENVIRONMENTS_SUBGRAPH, url: LOCAL_URLS.cloudEnvironments, definitions: parse(printCloudEnvironmentsSdl(options)) },
    ],
  });
}

describe("WunderGraph Cosmo's composition", () => {
  it('composes the default SDL with no errors, Merchant.cloudEnvironments in the client schema', () => {
    const result = composeWithCosmo({});
    expect(result.success ? [] : result.errors.map((error) => error.message)).toEqual([]);
    if (!result.success) return;
    const merchant = result.federatedGraphClientSchema.getType('Merchant');
    expect(isObjectType(merchant) && Object.keys(merchant.getFields()).sort()).toEqual(['cloudEnvironments', 'id', 'name']);
    expect(print(result.federatedGraphAST)).not.toContain('@requiresScopes');
  });

  it('composes the AUTHORIZATION=router SDL with no errors, keeping @requiresScopes on the field', () => {
    const result = composeWithCosmo({ requiredScope: 'merchant:cloud-environments:read' });
    expect(result.success ? [] : result.errors.map((error) => error.message)).toEqual([]);
    if (!result.success) return;
    expect(print(result.federatedGraphAST)).toMatch(/cloudEnvironments\([^)]*\): \[CloudEnvironment!\] @requiresScopes\(scopes: \[\["merchant:cloud-environments:read"\]\]\)/);
  });

  it('composes the MERCHANT_AUTHORIZER_FIELD SDL beside a merchants subgraph serving the field, the router told cloudEnvironments requires it', () => {
    const result = composeWithCosmo({ authorizerField: 'wechatAppId' });
    expect(result.success ? [] : result.errors.map((error) => error.message)).toEqual([]);
    if (!result.success) return;
    const merchant = result.federatedGraphClientSchema.getType('Merchant');
    expect(isObjectType(merchant) && Object.keys(merchant.getFields()).sort()).toEqual(['cloudEnvironments', 'id', 'name', 'wechatAppId']);
    const routerConfig = result.subgraphConfigBySubgraphName.get(CLOUD_ENVIRONMENTS_SUBGRAPH)?.configurationDataByTypeName.get('Merchant');
    expect(routerConfig).toMatchObject({ externalFieldNames: new Set(['wechatAppId']), requires: [{ fieldName: 'cloudEnvironments', selectionSet: 'wechatAppId' }] });
  });

  it('refuses it beside a merchants subgraph without the field: the field must be resolvable there', () => {
    const result = composeWithCosmo({ authorizerField: 'wechatAppId' }, merchantsTypeDefs());
    expect(result.success ? [] : result.errors.map((error) => error.message)).toEqual([expect.stringMatching(/"wechatAppId" in subgraph "cloud-environments"[\s\S]*must always be resolvable/)]);
  });
});
