/**
 * No access token leaves the subgraph: not in a response, an error, or a log line,
 * whatever happened upstream. Everything below runs against real HTTP and the
 * subgraph's real logger at debug level, then every token in play is searched for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedFault } from '../../src/simulator/index.js';
import { MerchantsAliasedEnvironmentsDocument, MerchantsWithCloudEnvironmentsDocument } from '../__generated__/graphql.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { testMerchants, tokenFor } from '../support/merchants.js';
import { type GatewayStack, type SubgraphStack, startGatewayStack, startSubgraphStack } from '../support/stack.js';

const DEMO_TOKENS = [
  'demo-token-shared-storefront',
  'demo-token-personal-plan',
  'demo-token-expired',
  'demo-token-permission-not-granted',
  'demo-token-system-busy',
  'demo-token-cloud-not-enabled',
];

describe('access tokens', () => {
  let gateway: GatewayStack;
  let faulty: SubgraphStack;
  const responses: string[] = [];
  const { authorizers, entries } = testMerchants([
    { merchantId: 'm_fault', authorizer: 'fault' },
    { merchantId: 'm_bug', authorizer: 'bug', errcode: 47001 },
  ]);

  beforeAll(async () => {
    gateway = await startGatewayStack({ env: { LOG_LEVEL: 'debug' } });
    faulty = await startSubgraphStack({ simulator: { authorizers }, merchants: entries, env: { WECHAT_TIMEOUT_MS: '200', LOG_LEVEL: 'debug' } });

    responses.push((await postGraphQL(gateway.gatewayUrl, MerchantsWithCloudEnvironmentsDocument)).text);
    responses.push((await postGraphQL(gateway.gatewayUrl, MerchantsAliasedEnvironmentsDocument, { env: 'prod-7g3k9d' })).text);
    responses.push((await postGraphQL(gateway.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_1001', 'm_2001', 'm_3001') })).text);

    const faults: SimulatedFault[] = [{ kind: 'hang' }, { kind: 'reset' }, { kind: 'truncated' }, { kind: 'http', status: 503, body: 'unavailable' }, { kind: 'errcode', errcode: 40014 }];
    for (const fault of faults) {
      faulty.simulator.injectFault(tokenFor('fault'), fault, { times: 1 });
      responses.push((await postGraphQL(faulty.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_fault', 'm_bug') })).text);
    }
    await faulty.subgraph.close();
    responses.push((await postGraphQL(gateway.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_2003') })).text);
  });

  afterAll(async () => {
    await gateway?.stop();
    await faulty?.simulator.stop();
  });

  it('actually exercised failures and logging (the search below has something to search)', () => {
    expect(responses.join('\n')).toMatch(/WECHAT_UNAVAILABLE/);
    expect(responses.join('\n')).toMatch(/AUTHORIZER_TOKEN_EXPIRED/);
    expect(gateway.logs.lines.length + faulty.logs.lines.length).toBeGreaterThan(10);
  });

  it.each([...DEMO_TOKENS, tokenFor('fault'), tokenFor('bug')])('never shows %s in a response or a log line', (token) => {
    const everything = [...responses, ...gateway.logs.lines, ...faulty.logs.lines].join('\n');
    expect(everything).not.toContain(token);
  });
});
