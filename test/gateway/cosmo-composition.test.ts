/**
 * WunderGraph Cosmo composes the subgraph as served, beside the merchants stand-in: by
 * default, and with AUTHORIZATION=router, whose @requiresScopes Cosmo Router enforces.
 */
import { federateSubgraphs } from '@wundergraph/composition';
import { isObjectType, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { type SchemaOptions } from '../../src/schema/build-schema.js';
import { printCloudEnvironmentsSdl } from '../../src/schema/print-schema.js';
import { MERCHANTS_TYPE_DEFS } from '../../tools/merchants-subgraph.js';
import { CLOUD_ENVIRONMENTS_SUBGRAPH, LOCAL_URLS } from '../../tools/supergraph.js';

function composeWithCosmo(options: SchemaOptions) {
  return federateSubgraphs({
    subgraphs: [
      { name: 'merchants', url: LOCAL_URLS.merchants, definitions: MERCHANTS_TYPE_DEFS },
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
});
