/**
 * A WeChat call the operation's deadline kept from being sent is not a WeChat timeout:
 * /metrics counts it in wechat_upstream_calls_skipped_total{reason="deadline"} and never in
 * the call histogram, and a call the deadline cut short is timed as outcome="deadline".
 * Only a call that had its full WECHAT_TIMEOUT_MS and got no answer is outcome="timeout".
 *
 * One pool slot is held by a call with no deadline that WeChat never answers, so a call
 * queued behind it waits past its deadline.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/index.js';
import { Metrics } from '../../src/observability/metrics.js';
import { GET_ENV_INFO_PATH } from '../../src/simulator/index.js';
import { DeadlinePassedError } from '../../src/wechat/errors.js';
import { WechatClient } from '../../src/wechat/wechat-client.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { TEST_COMPONENT, testMerchants, tokenFor } from '../support/merchants.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';
import { captureOutput } from '../support/suite-capture.js';

const WECHAT_TIMEOUT_MS = 1_200;
const REQUEST_DEADLINE_MS = 300;

// m_mint's tokens are minted from a refresh token; m_fixed has a fixed access token (no mint, straight to getEnvInfo).
const minted = testMerchants([{ merchantId: 'm_mint', authorizer: 'mint' }, { merchantId: 'm_fixed', authorizer: 'fixed' }], 'refresh');
const authorizers = [minted.authorizers[0]!, { ...minted.authorizers[1]!, refreshToken: undefined, accessToken: tokenFor('fixed') }];
const entries = [minted.entries[0]!, { merchantId: 'm_fixed', authorizerAppId: minted.entries[1]!.authorizerAppId, authorizerAccessToken: tokenFor('fixed') }];

let stack: SubgraphStack;
beforeAll(async () => {
  stack = await startSubgraphStack({
    simulator: { authorizers, component: TEST_COMPONENT },
    merchants: entries,
    env: { WECHAT_MAX_CONCURRENCY: '1', WECHAT_TIMEOUT_MS: String(WECHAT_TIMEOUT_MS), REQUEST_DEADLINE_MS: String(REQUEST_DEADLINE_MS) },
  });
});
afterAll(() => stack?.stop());

const query = (merchantId: string) => postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(merchantId) });

async function metrics(): Promise<string> {
  const text = await (await fetch(new URL('/metrics', stack.subgraph.url))).text();
  captureOutput(text);
  return text;
}
const count = (text: string, series: string) => Number(text.split('\n').find((line) => line.startsWith(`${series} `))?.split(' ')[1] ?? 0);
const calls = (endpoint: string, outcome: string) => `wechat_upstream_call_duration_seconds_count{endpoint="${endpoint}",outcome="${outcome}"}`;
const skipped = (endpoint: string, reason: string) => `wechat_upstream_calls_skipped_total{endpoint="${endpoint}",reason="${reason}"}`;

describe('a WeChat call the deadline kept from being sent', () => {
  // The client itself, on the real simulator: the one pool slot is held by a call with no
  // deadline (as a background call would be) that WeChat never answers, so a call queued
  // behind it with a short deadline only gets the slot once that deadline has passed.
  const metricsOf = new Metrics();
  let client: WechatClient;
  beforeAll(() => {
    client = new WechatClient({ ...loadConfig({}).wechat, baseUrl: stack.simulator.url, timeoutMs: WECHAT_TIMEOUT_MS, maxConcurrency: 1, logger: pino({ level: 'silent' }), metrics: metricsOf });
  });
  afterAll(() => client?.close());

  it('is counted as skipped for the deadline, never timed, and never a timeout', async () => {
    stack.simulator.resetCalls();
    stack.simulator.injectFault(tokenFor('fixed'), { kind: 'hang' }, { times: 1 });
    const holding = client.getEnvInfo(tokenFor('fixed'), undefined, { authorizer: 'holder' }).catch((error: unknown) => error);
    await vi.waitFor(() => expect(stack.simulator.callCount(GET_ENV_INFO_PATH)).toBe(1), { timeout: WECHAT_TIMEOUT_MS, interval: 10 });
    const queued = await client.getEnvInfo(tokenFor('fixed'), undefined, { authorizer: 'queued', deadline: Date.now() + REQUEST_DEADLINE_MS }).catch((error: unknown) => error);
    expect(queued).toBeInstanceOf(DeadlinePassedError);
    // The held call had its full WECHAT_TIMEOUT_MS and no answer (WeChat's timeout), then its retry was answered.
    expect(await holding).toEqual([expect.objectContaining({ env: 'fixed-env' })]);

    const text = await metricsOf.registry.metrics();
    captureOutput(text);
    expect(count(text, skipped(GET_ENV_INFO_PATH, 'deadline'))).toBe(1);
    expect(count(text, calls(GET_ENV_INFO_PATH, 'deadline'))).toBe(0);
    expect(count(text, calls(GET_ENV_INFO_PATH, 'timeout'))).toBe(1);
    // Only the held call's two attempts reached WeChat: the queued call was never sent.
    expect(count(text, calls(GET_ENV_INFO_PATH, '0'))).toBe(1);
    expect(stack.simulator.callCount(GET_ENV_INFO_PATH)).toBe(2);
  });
});

describe('a WeChat call the deadline cut short', () => {
  it('is timed as outcome="deadline", not "timeout"', async () => {
    const before = await metrics();
    stack.simulator.injectFault(tokenFor('fixed'), { kind: 'hang' }, { times: 1 });
    expect((await query('m_fixed')).body.errors?.[0]?.extensions).toMatchObject({ code: 'WECHAT_UNAVAILABLE', merchantId: 'm_fixed' });
    await vi.waitFor(async () => expect(count(await metrics(), calls(GET_ENV_INFO_PATH, 'deadline'))).toBe(count(before, calls(GET_ENV_INFO_PATH, 'deadline')) + 1), {
      timeout: REQUEST_DEADLINE_MS * 10,
      interval: 50,
    });
    const text = await metrics();
    expect(count(text, calls(GET_ENV_INFO_PATH, 'timeout'))).toBe(0);
    expect(count(text, skipped(GET_ENV_INFO_PATH, 'deadline'))).toBe(count(before, skipped(GET_ENV_INFO_PATH, 'deadline')));
  });
});
