/**
 * A token endpoint that answers after longer than the refresh lock's 15 s life: the lock
 * is renewed while WeChat answers, so the other replica waits for the token instead of
 * minting a rival one. Exactly one mint, and every getEnvInfo call made with that token
 * (no replica ever holds a token another replica's mint replaced, so no 40001).
 */
import { expect, it } from 'vitest';
import { describeWithRedis } from '../support/redis.js';
import { slowMintAcrossReplicas } from '../support/slow-mint.js';

describeWithRedis('a token endpoint slower than the refresh lock, two replicas', () => {
  it('mints once, and both replicas serve with that one token', async () => {
    const outcome = await slowMintAcrossReplicas(17_000);
    expect(outcome.lockTtlMs).toBeLessThan(17_000);
    expect(outcome.answers.flatMap((answer) => answer.errors)).toEqual([]);
    expect(outcome.answers.every((answer) => answer.served)).toBe(true);
    expect(outcome.mints).toBe(1);
    expect(outcome.issued).toBe(1);
    expect(outcome.tokensUsed).toBe(1);
    expect(outcome.lockLost).toBe(false);
  }, 120_000);
});
