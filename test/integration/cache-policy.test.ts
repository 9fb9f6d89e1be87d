/**
 * The Cache-Control a router's entity or response cache reads: merchant data may be kept
 * privately for the getEnvInfo cache TTL, and nothing else may be kept at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { environment, testMerchants } from '../support/merchants.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const { authorizers, entries } = testMerchants([{ merchantId: 'm_0', authorizer: 'a0', environments: [environment('prod-a0')] }]);
const representations = merchantRepresentations('m_0');

let stack: SubgraphStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function cacheControlOf(ttlMs: string, document: string, variables: Record<string, unknown> = { representations }) {
  stack ??= await startSubgraphStack({ simulator: { authorizers }, merchants: entries, env: { CLOUDENV_CACHE_TTL_MS: ttlMs } });
  const response = await postGraphQL(stack.subgraph.url, document, variables);
  return { cacheControl: response.headers.get('cache-control'), body: response.body };
}

describe('Cache-Control', () => {
  it('lets merchant data be kept privately for the cache TTL, in whole seconds', async () => {
    const { cacheControl, body } = await cacheControlOf('3500', ENTITIES_QUERY);
    expect(body.errors).toBeUndefined();
    expect(cacheControl).toBe('max-age=3, private');
  });

  it('holds through fragments at the root and a __typename beside _entities', async () => {
    const document = `query($representations: [_Any!]!) { __typename ...Merchants }
      fragment Merchants on Query { _entities(representations: $representations) { ... on Merchant { id } } }`;
    expect((await cacheControlOf('3000', document)).cacheControl).toBe('max-age=3, private');
  });

  it('keeps nothing when the answer carries an error', async () => {
    const { cacheControl, body } = await cacheControlOf('3000', ENTITIES_QUERY, { representations: merchantRepresentations('m_0', 'm_unknown') });
    expect(body.errors?.[0]?.extensions?.['code']).toBe('MERCHANT_NOT_AUTHORIZED');
    expect(cacheControl).toBe('no-store');
  });

  it('keeps nothing of the schema or of an operation that asks for it', async () => {
    expect((await cacheControlOf('3000', '{ _service { sdl } }', {})).cacheControl).toBe('no-store');
    const both = `query($representations: [_Any!]!) { _service { sdl } _entities(representations: $representations) { ... on Merchant { id } } }`;
    expect((await cacheControlOf('3000', both)).cacheControl).toBe('no-store');
    expect((await cacheControlOf('3000', '{ __typename }', {})).cacheControl).toBe('no-store');
  });

  it('keeps nothing when the getEnvInfo cache is off or shorter than a second', async () => {
    expect((await cacheControlOf('0', ENTITIES_QUERY)).cacheControl).toBe('no-store');
    await stack?.stop();
    stack = undefined;
    expect((await cacheControlOf('999', ENTITIES_QUERY)).cacheControl).toBe('no-store');
  });

  it('keeps nothing of a request that never ran', async () => {
    expect((await cacheControlOf('3000', '{ _entities(', {})).cacheControl).toBe('no-store');
  });
});
