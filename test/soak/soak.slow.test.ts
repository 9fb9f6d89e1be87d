/**
 * The full soak, at the size `npm run soak` runs by default: 5000 operations at concurrency
 * 32 through a real gateway, 20% of getenvinfo calls faulted at random, RSS measured after
 * a full gc (the slow project runs node with --expose-gc).
 */
import { expect, it } from 'vitest';
import { describeSoak } from './soak-checks.js';

describeSoak('soak (full size)', { operations: 5000, concurrency: 32, faultFraction: 0.2, merchants: 48, authorizers: 12, seed: 1 }, 600_000);

it('runs with a gc to measure RSS after', () => {
  expect(typeof (globalThis as { gc?: unknown }).gc).toBe('function');
});
