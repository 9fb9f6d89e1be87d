/**
 * The short soak, in every `npm test`: 200 operations at concurrency 32 through a real
 * gateway with 20% of getenvinfo calls faulted at random, so every fault kind is met. It
 * catches a lost or wrong-merchant field, a crash and a token stampede; its RSS check only
 * catches gross growth. The full size runs in `npm run test:slow` (soak.slow.test.ts).
 */
import { describeSoak } from './soak-checks.js';

describeSoak('soak (short)', { operations: 200, concurrency: 32, faultFraction: 0.2, merchants: 24, authorizers: 8, seed: 7 }, 60_000);
