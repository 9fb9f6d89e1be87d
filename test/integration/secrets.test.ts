/**
 * No secret leaves the subgraph: no access token (fixed or minted), refresh token or
 * component secret in a response, an error, or a log line, whatever happened upstream.
 * Everything below runs against real HTTP and the subgraph's real logger at debug level,
 * then every secret in play is searched for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEMO_AUTHORIZERS_FILE, DEMO_COMPONENT, type SimulatedFault } from '../../src/simulator/index.js';
import { MerchantsAliasedEnvironmentsDocument, MerchantsWithCloudEnvironmentsDocument } from '../__generated__/graphql.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { testMerchants, tokenFor } from '../support/merchants.js';
import { type GatewayStack, type SubgraphStack, startGatewayStack, startSubgraphStack } from '../support/stack.js';

const DEMO_FILE_SECRETS = (JSON.parse(readFileSync(DEMO_AUTHORIZERS_FILE, 'utf8')) as { merchants: Array<Record<string, string>> }).merchants.flatMap(
  (entry) => [entry['authorizerRefreshToken'], entry['authorizerAccessToken']].filter((token): token is string => token !== undefined),
);

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
      faulty.simulator.injectFault(tokenFor('fault'), fault, { times: 3 });
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

  it.each([...new Set(DEMO_FILE_SECRETS), DEMO_COMPONENT.appSecret, tokenFor('fault'), tokenFor('bug')])('never shows %s in a response or a log line', (secret) => {
    const everything = [...responses, ...gateway.logs.lines, ...faulty.logs.lines].join('\n');
    expect(everything).not.toContain(secret);
  });

  it('never shows an access token the subgraph minted', () => {
    const minted = new Set(gateway.simulator.calls.map((call) => call.accessToken).filter((token): token is string => token !== undefined));
    expect(minted.size).toBeGreaterThan(3);
    const everything = [...responses, ...gateway.logs.lines].join('\n');
    expect([...minted].filter((token) => everything.includes(token))).toEqual([]);
  });
});
