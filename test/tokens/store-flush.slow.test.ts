/**
 * The store flush at a larger size, for the slow suite: 60 authorizers with two merchants
 * each, eight workers, two replicas, 20 s of load after FLUSHDB. The same promises as the
 * fast variant: every merchant served again within 30 s, no re-authorization, one list pass,
 * each token minted once more, and only retryable errors while it recovers.
 */
import { expect, it } from 'vitest';
import { describeWithRedisServer } from '../support/redis-server.js';
import { flushUnderLoad } from '../support/store-flush.js';

describeWithRedisServer('a store flushed under load, at size', () => {
  it('serves every merchant again within 30 s, with no re-authorization and one list pass', async () => {
    const outcome = await flushUnderLoad({ authorizers: 60, merchantsPerAuthorizer: 2, workers: 8, runAfterFlushMs: 20_000 });
    console.info(`store flush at size: served again after ${outcome.servedAgainAfterMs} ms; ${outcome.operationsAfterFlush} operations after it; codes ${JSON.stringify(outcome.codesAfterFlush)}; calls ${JSON.stringify(outcome.calls)}`);
    expect(outcome.servedAgainAfterMs).toBeLessThan(30_000);
    expect(outcome.servedAtTheEnd).toBe(true);
    expect(outcome.calls.list).toBe(1);
    expect(outcome.calls.queryAuth).toBe(0);
    expect(outcome.calls.startPushTicket).toBeGreaterThanOrEqual(1);
    expect(outcome.calls.componentTokens).toBe(1);
    expect(outcome.calls.authorizerTokens).toBe(60);
    expect(Object.keys(outcome.codesAfterFlush).filter((code) => !['TOKEN_STORE_UNAVAILABLE', 'COMPONENT_TICKET_INVALID'].includes(code))).toEqual([]);
  }, 120_000);
});
