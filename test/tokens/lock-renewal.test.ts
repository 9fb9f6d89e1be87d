/**
 * The slow-token-endpoint scenario with a shortened lock, for the fast suite: the lock
 * lives 1 s, WeChat answers after 2.5 s. Renewed while the mint runs, it is never lost, so
 * the other replica waits: one mint, one token used by both. (Shorter still, a busy test
 * worker's pauses outlast the renewals: the lock's life must exceed the longest pause.)
 */
import { expect, it } from 'vitest';
import { describeWithRedis } from '../support/redis.js';
import { slowMintAcrossReplicas } from '../support/slow-mint.js';

describeWithRedis('a token endpoint slower than a shortened refresh lock, two replicas', () => {
  it('mints once, and both replicas serve with that one token', async () => {
    const outcome = await slowMintAcrossReplicas(2_500, 1_000);
    expect(outcome.answers.flatMap((answer) => answer.errors)).toEqual([]);
    expect(outcome.answers.every((answer) => answer.served)).toBe(true);
    expect(outcome.mints).toBe(1);
    expect(outcome.issued).toBe(1);
    expect(outcome.tokensUsed).toBe(1);
    expect(outcome.lockLost).toBe(false);
  }, 30_000);
});
