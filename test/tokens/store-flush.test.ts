/**
 * Flushing the store under load (what a Redis restart without persistence, an eviction or
 * a failover to an empty replica does): every merchant the file maps is served again
 * within 30 s, nobody authorizes again, and api_get_authorizer_list is read once. Two
 * replicas on a private redis-server (never the machine's shared one), the simulator over HTTP.
 */
import { expect, it } from 'vitest';
import { describeWithRedisServer } from '../support/redis-server.js';
import { flushUnderLoad } from '../support/store-flush.js';

describeWithRedisServer('a store flushed under load', () => {
  it('serves every merchant again within 30 s, with no re-authorization and one list pass', async () => {
    const outcome = await flushUnderLoad({ authorizers: 4, merchantsPerAuthorizer: 2, workers: 4, runAfterFlushMs: 1_500 });
    console.info(`store flush: served again after ${outcome.servedAgainAfterMs} ms; ${outcome.operationsAfterFlush} operations after it; codes ${JSON.stringify(outcome.codesAfterFlush)}; calls ${JSON.stringify(outcome.calls)}`);
    expect(outcome.servedAgainAfterMs).toBeLessThan(30_000);
    expect(outcome.servedAtTheEnd).toBe(true);
    expect(outcome.calls.list).toBe(1);
    expect(outcome.calls.queryAuth).toBe(0);
    expect(outcome.calls.startPushTicket).toBeGreaterThanOrEqual(1);
    // One component token and one token per authorizer: the records were lost, so each is minted once more.
    expect(outcome.calls.componentTokens).toBe(1);
    expect(outcome.calls.authorizerTokens).toBe(4);
    // While it recovers, fields answer with retryable errors only, never as merchants that never authorized.
    expect(Object.keys(outcome.codesAfterFlush).filter((code) => !['TOKEN_STORE_UNAVAILABLE', 'COMPONENT_TICKET_INVALID'].includes(code))).toEqual([]);
  }, 60_000);
});
