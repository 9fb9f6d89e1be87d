/**
 * The slow-token-endpoint scenario with a shortened lock, for the fast suite: the lock
 * lives 300 ms, WeChat answers after 1.2 s. Renewed while the mint runs, it is never lost,
 * so the other replica waits: one mint, one token used by both.
 */
import { expect, it } from 'vitest';
import { describeWithRedis } from '../support/redis.js';
import { slowMintAcrossReplicas } from '../support/slow-mint.js';

describeWithRedis('a token endpoint slower than a shortened refresh lock, two replicas', () => {
  it('mints once, and both replicas serve with that one token', async () => {
    const outcome = await slowMintAcrossReplicas(1_200, 300);
    expect(outcome.answers.flatMap((answer) => answer.errors)).toEqual([]);
    expect(outcome.answers.every((answer) => answer.served)).toBe(true);
    expect(outcome.mints).toBe(1);
    expect(outcome.issued).toBe(1);
    expect(outcome.tokensUsed).toBe(1);
    expect(outcome.lockLost).toBe(false);
  }, 30_000);
});
