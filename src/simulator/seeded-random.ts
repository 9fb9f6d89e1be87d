/**
 * A small seeded PRNG (mulberry32): the same seed gives the same sequence on every run and
 * every platform, which Math.random cannot promise. Good enough to pick faults and test
 * operations; not for anything secret.
 */

/** A function returning numbers in [0, 1), reproducible from `seed` (any 32-bit integer). */
export function seededRandom(seed: number): () => number {
  if (!Number.isInteger(seed)) {
    throw new RangeError(`seededRandom needs an integer seed (got ${seed}); pass e.g. 1, or Date.now() for a different run each time`);
  }
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
