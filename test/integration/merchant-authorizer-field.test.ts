/**
 * MERCHANT_AUTHORIZER_FIELD on a running subgraph, own tokens minted at the simulator, the
 * event receiver on: each merchant's authorizer is the appid its representation carries,
 * never the registry's; a missing or null one is MERCHANT_NOT_AUTHORIZED and a malformed one
 * BAD_USER_INPUT, neither costing a WeChat call; one getEnvInfo per authorizer per
 * operation, whatever the merchants; an authorizer's revocation still holds; and Sandbox's
 * example sends the appid too.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { INPUT_RULES, NOT_IN_REGISTRY } from '../../src/errors/error-codes.js';
import { GET_ENV_INFO_PATH } from '../../src/simulator/index.js';
import { postGraphQL } from '../support/graphql-http.js';
import { TEST_COMPONENT, appIdOf, environment, testMerchants } from '../support/merchants.js';
import { useSubgraphStack } from '../support/stack.js';
import { registerSecrets } from '../support/suite-capture.js';

const FIELD = 'wechatAppId';
const PUSH_KEYS = { messageToken: 'requiresMessageToken3', encodingAesKey: randomBytes(32).toString('base64').slice(0, 43) };
registerSecrets(PUSH_KEYS.messageToken, PUSH_KEYS.encodingAesKey);

// The registry maps m_a to a0 and m_b to a1; the gateway's appids decide instead.
const { authorizers, entries } = testMerchants(
  [
    { merchantId: 'm_a', authorizer: 'a0', environments: [environment('a0-env')] },
    { merchantId: 'm_b', authorizer: 'a1', environments: [environment('a1-env')] },
  ],
  'refresh',
);
const A0 = appIdOf(entries, 'm_a');
const A1 = appIdOf(entries, 'm_b');

const stack = useSubgraphStack({
  simulator: { authorizers, component: TEST_COMPONENT },
  merchants: entries,
  env: {
    MERCHANT_AUTHORIZER_FIELD: FIELD,
    WECHAT_COMPONENT_MESSAGE_TOKEN: PUSH_KEYS.messageToken,
    WECHAT_COMPONENT_ENCODING_AES_KEY: PUSH_KEYS.encodingAesKey,
  },
});

const ENTITIES = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Merchant { id cloudEnvironments { env } } }
}`;
type Representation = Record<string, unknown>;
const merchant = (id: string, appId?: unknown): Representation => ({ __typename: 'Merchant', id, ...(appId === undefined ? {} : { [FIELD]: appId }) });
// The answer's shape varies by test; each asserts on what it expects.
const query = async (...representations: Representation[]): Promise<any> => (await postGraphQL(stack.subgraph.url, ENTITIES, { representations })).body;
const getEnvInfoTokens = () => stack.simulator.calls.filter((call) => call.path === GET_ENV_INFO_PATH).map((call) => call.accessToken);

describe('MERCHANT_AUTHORIZER_FIELD=wechatAppId', () => {
  it('asks WeChat as the appid the representation carries, whatever the registry maps the merchant to, or if it maps it at all', async () => {
    const body = await query(merchant('m_a', A1), merchant('m_unregistered', A0));
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      { id: 'm_a', cloudEnvironments: [{ env: 'a1-env' }] },
      { id: 'm_unregistered', cloudEnvironments: [{ env: 'a0-env' }] },
    ]);
  });

  it('answers MERCHANT_NOT_AUTHORIZED for a representation without the field, or with null, calling nothing', async () => {
    const body = await query(merchant('m_a'), merchant('m_b', null));
    expect(body.data._entities).toEqual([
      { id: 'm_a', cloudEnvironments: null },
      { id: 'm_b', cloudEnvironments: null },
    ]);
    expect(body.errors.map((error: any) => error.extensions)).toEqual([
      { code: 'MERCHANT_NOT_AUTHORIZED', retryable: false, merchantId: 'm_a' },
      { code: 'MERCHANT_NOT_AUTHORIZED', retryable: false, merchantId: 'm_b' },
    ]);
    // The client reads the table's text; why the subgraph holds no authorizer is the log line's.
    expect(body.errors[0].message).toBe(NOT_IN_REGISTRY.message);
    expect(stack.logs.lines.join('\n')).toContain('the subgraph that owns Merchant gives no wechatAppId for merchant m_a');
    expect(stack.simulator.callCount()).toBe(0);
  });

  it('answers BAD_USER_INPUT naming the field for a malformed appid, never echoing it, calling nothing', async () => {
    const malformed = ['WX5F3C0A1B2C3D4E5F', 'wx5f3c0a1b2c3d4e5', `${A0}0`, ` ${A0}`, '', 42, true, { appId: A0 }, [A0]];
    const body = await query(...malformed.map((value, index) => merchant(`m_${index}`, value)), merchant('m_good', A0));
    expect(body.data._entities.at(-1)).toEqual({ id: 'm_good', cloudEnvironments: [{ env: 'a0-env' }] });
    expect(body.errors).toHaveLength(malformed.length);
    malformed.forEach((_value, index) => {
      expect(body.data._entities[index]).toEqual({ id: `m_${index}`, cloudEnvironments: null });
      expect(body.errors[index]).toMatchObject({
        path: ['_entities', index, 'cloudEnvironments'],
        extensions: { code: 'BAD_USER_INPUT', retryable: false, merchantId: `m_${index}`, field: FIELD },
      });
    });
    expect(body.errors[0].message).toBe(INPUT_RULES['authorizer-field'].message);
    expect(stack.logs.lines.join('\n')).toContain("merchant m_0's wechatAppId from the subgraph that owns Merchant is not a mini-program appid");
    expect(JSON.stringify(body.errors)).not.toContain('WX5F3C0A1B2C3D4E5F');
    expect(getEnvInfoTokens()).toHaveLength(1); // m_good's only
  });

  it('makes one getEnvInfo call per authorizer however many merchants and aliases name it', async () => {
    const representations = Array.from({ length: 12 }, (_, index) => merchant(`m_${index}`, index % 3 === 0 ? A1 : A0));
    const document = `query Fan($representations: [_Any!]!) {
      _entities(representations: $representations) { ... on Merchant { id all: cloudEnvironments { env } one: cloudEnvironments(env: "a0-env") { env } again: cloudEnvironments { alias } } }
    }`;
    const { body } = await postGraphQL(stack.subgraph.url, document, { representations });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[1]).toEqual({ id: 'm_1', all: [{ env: 'a0-env' }], one: [{ env: 'a0-env' }], again: [{ alias: 'a0' }] });
    expect(body.data._entities[0]).toEqual({ id: 'm_0', all: [{ env: 'a1-env' }], one: [], again: [{ alias: 'a1' }] });
    const tokens = getEnvInfoTokens();
    expect(tokens).toHaveLength(2);
    expect(new Set(tokens).size).toBe(2);
  });

  it('still holds an authorizer’s revocation recorded by the event receiver: no mint, no call, until it authorizes again', async () => {
    const target = { url: stack.subgraph.url.replace(/\/graphql$/, '/wechat/component/events'), ...PUSH_KEYS };
    expect(await stack.simulator.pushes.pushAuthorizationEvent(target, 'unauthorized', A1)).toEqual({ status: 200, text: 'success' });
    stack.simulator.resetCalls();

    const revoked = await query(merchant('m_b', A1), merchant('m_a', A0));
    expect(revoked.data._entities).toEqual([
      { id: 'm_b', cloudEnvironments: null },
      { id: 'm_a', cloudEnvironments: [{ env: 'a0-env' }] },
    ]);
    expect(revoked.errors).toMatchObject([{ message: NOT_IN_REGISTRY.message, extensions: { code: 'MERCHANT_NOT_AUTHORIZED', merchantId: 'm_b' } }]);
    expect(stack.logs.lines.join('\n')).toContain(`mini program ${A1} revoked the authorization`);
    expect(stack.simulator.calls.map((call) => call.path)).toEqual([GET_ENV_INFO_PATH]);

    expect(await stack.simulator.pushes.pushAuthorizationEvent(target, 'authorized', A1)).toEqual({ status: 200, text: 'success' });
    registerSecrets(stack.simulator.currentRefreshToken(A1));
    expect((await query(merchant('m_b', A1))).data._entities).toEqual([{ id: 'm_b', cloudEnvironments: [{ env: 'a1-env' }] }]);
  });

  it('opens Sandbox on representations that carry the appid, as a gateway sends them', async () => {
    const landing = await (await fetch(stack.subgraph.url, { headers: { accept: 'text/html' } })).text();
    expect(landing).toContain(`{"__typename":"Merchant","id":"m_a","wechatAppId":"${A0}"}`);
  });
});
