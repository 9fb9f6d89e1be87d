/**
 * Refresh tokens asked back from api_get_authorizer_list rather than answered as lost,
 * against the simulator over HTTP (in memory: one replica restarted loses them too): one
 * pass serves every authorizer that lacks one, an account listed without a refresh token
 * is skipped and counted while the rest of its page is recovered, and merchants WeChat
 * cannot help do not cost a pass per request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AUTHORIZER_LIST_PATH, type SimulatedAuthorizer } from '../../src/simulator/index.js';
import { TEST_COMPONENT, environment } from '../support/merchants.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const authorizer = (index: number, extra: Partial<SimulatedAuthorizer> = {}): SimulatedAuthorizer => ({
  appId: `wx${(0xe000 + index).toString(16).padStart(16, '0')}`,
  refreshToken: `refresh-secret-recovery-${index}-2d7b`,
  environments: [environment(`recovered${index}-env`)],
  ...extra,
});

let stack: SubgraphStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

/** The file maps a merchant to each authorizer and holds no refresh token: they were stored by authorizations the store no longer has. */
async function start(authorizers: SimulatedAuthorizer[], unlisted: string[] = []) {
  stack = await startSubgraphStack({
    simulator: { component: TEST_COMPONENT, authorizers },
    merchants: [...authorizers.map((entry, index) => ({ merchantId: `m_${index}`, authorizerAppId: entry.appId })), ...unlisted.map((appId, index) => ({ merchantId: `m_unlisted_${index}`, authorizerAppId: appId }))],
  });
  const running = stack;
  const query = (...ids: string[]) => postGraphQL(running.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(...ids) });
  const metrics = async () => (await fetch(running.subgraph.url.replace(/\/graphql$/, '/metrics'))).text();
  return { stack: running, query, metrics };
}

describe('refresh tokens recovered from api_get_authorizer_list', () => {
  it('recovers every missing one in one pass, and serves their merchants', async () => {
    const { stack, query, metrics } = await start([authorizer(0), authorizer(1), authorizer(2)]);
    const { body } = await query('m_0', 'm_1', 'm_2');
    expect(body.errors).toBeUndefined();
    expect(body.data._entities.map((entity: { cloudEnvironments: unknown[] }) => entity.cloudEnvironments)).toEqual([0, 1, 2].map((index) => [expect.objectContaining({ env: `recovered${index}-env` })]));
    expect(stack.simulator.callCount(AUTHORIZER_LIST_PATH)).toBe(1);
    expect(await metrics()).toMatch(/^wechat_token_recoveries_total\{record="refresh_token",outcome="recovered"\} 3$/m);
  });

  it('skips an account listed without a refresh token, counting it, and recovers the rest of the page', async () => {
    const { stack, query, metrics } = await start([authorizer(0), authorizer(1, { listedWithoutRefreshToken: true }), authorizer(2)]);
    const { body } = await query('m_0', 'm_1', 'm_2');
    expect(body.data._entities[0].cloudEnvironments).toHaveLength(1);
    expect(body.data._entities[2].cloudEnvironments).toHaveLength(1);
    expect(body.errors?.map((error) => [error.extensions?.['merchantId'], error.extensions?.['code']])).toEqual([['m_1', 'REFRESH_TOKEN_INVALID']]);
    const pass = stack.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => String(line['msg']).startsWith('api_get_authorizer_list pass'));
    expect(pass).toMatchObject({ listed: 2, withoutRefreshToken: 1, unrecoverable: [authorizer(1).appId] });
    expect(pass!['msg']).toContain('1 account(s) listed without a refresh token, skipped');
    const exported = await metrics();
    expect(exported).toMatch(/^wechat_token_recoveries_total\{record="refresh_token",outcome="recovered"\} 2$/m);
    expect(exported).toMatch(/^wechat_token_recoveries_total\{record="refresh_token",outcome="failed"\} 1$/m);
  });

  it('reads the list once however often a merchant WeChat does not list is asked for', async () => {
    const { stack, query } = await start([authorizer(0)], ['wx000000000000dead']);
    for (let round = 0; round < 10; round += 1) {
      const { body } = await query('m_unlisted_0');
      expect(body.errors?.[0]?.extensions?.['code']).toBe('REFRESH_TOKEN_INVALID');
    }
    expect(stack.simulator.callCount(AUTHORIZER_LIST_PATH)).toBe(1);
    // The pass wrote what WeChat did list for a mapped merchant: it is served without a pass of its own.
    expect((await query('m_0')).body.errors).toBeUndefined();
    expect(stack.simulator.callCount(AUTHORIZER_LIST_PATH)).toBe(1);
  });
});
