/**
 * An `unauthorized` push deletes the authorizer's last good getEnvInfo answer at once: its
 * merchants answer MERCHANT_NOT_AUTHORIZED (the registry says so first), and when the
 * merchant authorizes again, a failure of WeChat serves nothing read before the revocation.
 * Real pushes, encrypted by the simulator, over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GET_ENV_INFO_PATH, type SimulatedComponent } from '../../src/simulator/index.js';
import { environment } from '../support/merchants.js';
import { aged, logLinesAbout, outcomes } from '../support/stale-answers.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';
import { registerSecrets } from '../support/suite-capture.js';

const COMPONENT: SimulatedComponent = { appId: 'wx00e0e0e0e0e0e5a1', appSecret: 'component-secret-stale-71c3', verifyTicket: 'ticket@@@stale-revocation-2f9d' };
const PUSH_KEYS = { messageToken: 'staleMessageToken3', encodingAesKey: randomBytes(32).toString('base64').slice(0, 43) };
const APP = 'wx00000000000005a1';
const REFRESH_TOKEN = 'refresh-secret-stale-revoked-8e4b';

registerSecrets(COMPONENT.appSecret, COMPONENT.verifyTicket, PUSH_KEYS.messageToken, PUSH_KEYS.encodingAesKey, REFRESH_TOKEN);

describe('an unauthorized push', () => {
  let stack: SubgraphStack;
  const target = () => ({ url: stack.subgraph.url.replace(/\/graphql$/, '/wechat/component/events'), ...PUSH_KEYS });

  beforeAll(async () => {
    stack = await startSubgraphStack({
      simulator: { component: COMPONENT, authorizers: [{ appId: APP, refreshToken: REFRESH_TOKEN, environments: [environment('revoked-prod-1a')] }] },
      merchants: [{ merchantId: 'm_revoked', authorizerAppId: APP, authorizerRefreshToken: REFRESH_TOKEN }],
      env: {
        CLOUDENV_CACHE_TTL_MS: '0',
        CLOUDENV_STALE_IF_ERROR_MS: '60000',
        WECHAT_COMPONENT_MESSAGE_TOKEN: PUSH_KEYS.messageToken,
        WECHAT_COMPONENT_ENCODING_AES_KEY: PUSH_KEYS.encodingAesKey,
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(() => {
    stack.simulator.resetCalls();
  });

  it('deletes the last good answer at once: never served after, not even once the merchant authorizes again', async () => {
    // Read once, then kept as the last good answer: a failure now would be served it.
    expect(outcomes(await aged(stack.subgraph.url, ['m_revoked']))).toEqual({ m_revoked: 'data' });
    stack.simulator.injectEndpointFault(GET_ENV_INFO_PATH, { kind: 'errcode', errcode: 45009 }, { times: 1 });
    expect(outcomes(await aged(stack.subgraph.url, ['m_revoked']))).toEqual({ m_revoked: 'data' });

    expect(await stack.simulator.pushes.pushAuthorizationEvent(target(), 'unauthorized', APP)).toEqual({ status: 200, text: 'success' });
    expect(outcomes(await aged(stack.subgraph.url, ['m_revoked']))).toEqual({ m_revoked: 'MERCHANT_NOT_AUTHORIZED' });
    expect(logLinesAbout(stack, 'its last good answer was deleted', APP)).toEqual([expect.objectContaining({ because: 'the authorization was revoked' })]);

    expect(await stack.simulator.pushes.pushAuthorizationEvent(target(), 'authorized', APP)).toEqual({ status: 200, text: 'success' });
    registerSecrets(stack.simulator.currentRefreshToken(APP));
    stack.simulator.injectEndpointFault(GET_ENV_INFO_PATH, { kind: 'errcode', errcode: 45009 }, { times: 1 });
    expect(outcomes(await aged(stack.subgraph.url, ['m_revoked']))).toEqual({ m_revoked: 'QUOTA_EXCEEDED' });
    expect(outcomes(await aged(stack.subgraph.url, ['m_revoked']))).toEqual({ m_revoked: 'data' });
  });

  it('keeps nothing of a call that was under way when the push came', async () => {
    stack.simulator.injectEndpointFault(GET_ENV_INFO_PATH, { kind: 'delay', ms: 400 }, { times: 1 });
    const underWay = aged(stack.subgraph.url, ['m_revoked']);
    await vi.waitFor(() => expect(stack.simulator.calls.some((call) => call.path === GET_ENV_INFO_PATH)).toBe(true), { timeout: 5_000, interval: 10 });
    expect(await stack.simulator.pushes.pushAuthorizationEvent(target(), 'unauthorized', APP)).toEqual({ status: 200, text: 'success' });
    // Asked before the revocation, it is answered as it was asked; it is not kept.
    expect(outcomes(await underWay)).toEqual({ m_revoked: 'data' });

    expect(await stack.simulator.pushes.pushAuthorizationEvent(target(), 'authorized', APP)).toEqual({ status: 200, text: 'success' });
    registerSecrets(stack.simulator.currentRefreshToken(APP));
    stack.simulator.injectEndpointFault(GET_ENV_INFO_PATH, { kind: 'errcode', errcode: 45009 }, { times: 1 });
    expect(outcomes(await aged(stack.subgraph.url, ['m_revoked']))).toEqual({ m_revoked: 'QUOTA_EXCEEDED' });
  });
});
