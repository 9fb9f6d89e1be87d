/**
 * Every row of the errcode table, end to end: the simulator answers the errcode over
 * HTTP, the subgraph turns it into the field's one structured error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { testMerchants } from '../support/merchants.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const ROWS: Array<[errcode: number, code: string, retryable: boolean]> = [
  [-1, 'WECHAT_BUSY', true],
  [-1000, 'WECHAT_SYSTEM_ERROR', true],
  [40001, 'AUTHORIZER_TOKEN_INVALID', false],
  [40014, 'AUTHORIZER_TOKEN_INVALID', false],
  [42001, 'AUTHORIZER_TOKEN_EXPIRED', false],
  [41001, 'INTERNAL_SERVER_ERROR', false],
  [43002, 'INTERNAL_SERVER_ERROR', false],
  [44002, 'INTERNAL_SERVER_ERROR', false],
  [47001, 'INTERNAL_SERVER_ERROR', false],
  [40097, 'BAD_USER_INPUT', false],
  [40101, 'BAD_USER_INPUT', false],
  [45009, 'QUOTA_EXCEEDED', false],
  [45011, 'RATE_LIMITED', true],
  [48001, 'API_UNAUTHORIZED', false],
  [50001, 'FORBIDDEN', false],
  [61003, 'MERCHANT_NOT_AUTHORIZED', false],
  [61004, 'IP_NOT_WHITELISTED', false],
  [40164, 'IP_NOT_WHITELISTED', false],
  [61007, 'PERMISSION_SET_NOT_GRANTED', false],
  [85088, 'CLOUDBASE_NOT_ENABLED', false],
  [87014, 'WECHAT_UPSTREAM_ERROR', false],
];

const merchantFor = (errcode: number) => `m_err${errcode}`;
const { authorizers, entries } = testMerchants([
  { merchantId: 'm_ok', authorizer: 'ok' },
  ...ROWS.map(([errcode]) => ({ merchantId: merchantFor(errcode), authorizer: `e${errcode}`, errcode })),
]);

let stack: SubgraphStack;
beforeAll(async () => {
  stack = await startSubgraphStack({ simulator: { authorizers }, merchants: entries });
});
afterAll(async () => {
  await stack?.stop();
});

describe('WeChat errcodes on Merchant.cloudEnvironments', () => {
  it.each(ROWS)('maps errcode %i to %s (retryable: %s) and keeps the other merchant', async (errcode, code, retryable) => {
    const { status, body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, {
      representations: merchantRepresentations(merchantFor(errcode), 'm_ok'),
    });
    expect(status).toBe(200);
    expect(body.data?._entities[0]).toEqual({ id: merchantFor(errcode), cloudEnvironments: null });
    expect(body.data?._entities[1].cloudEnvironments).toHaveLength(1);
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors!;
    expect(error!.path).toEqual(['_entities', 0, 'cloudEnvironments']);
    expect(error!.message).not.toBe('');
    expect(error!.extensions).toEqual({
      code,
      retryable,
      merchantId: merchantFor(errcode),
      wechat: {
        errcode,
        errmsg: expect.stringMatching(/ rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/),
        rid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/),
      },
    });
    expect(error!.extensions!['wechat'].errmsg).toContain(error!.extensions!['wechat'].rid);
  });

  it('logs our own malformed calls at error level and merchant states below it', async () => {
    stack.logs.lines.length = 0;
    await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(merchantFor(47001), merchantFor(61007)) });
    const logged = stack.logs.lines.map((line) => JSON.parse(line)).filter((entry) => entry.merchantId);
    expect(logged.find((entry) => entry.merchantId === merchantFor(47001))?.level).toBe(50);
    expect(logged.find((entry) => entry.merchantId === merchantFor(61007))?.level).toBeLessThan(50);
  });
});
