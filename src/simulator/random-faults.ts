/**
 * Faults that strike a fraction of requests at random, the way a flaky network or an
 * overloaded WeChat does, for soak tests: each request on the chosen paths is faulted with
 * probability `fraction`, the fault picked uniformly from `faults`. A seeded PRNG makes
 * the sequence of decisions the same on every run (which request meets which decision
 * still depends on arrival order under concurrency).
 */
import type { SimulatedFault } from './fault-queue.js';
import { GET_ENV_INFO_PATH } from './routes.js';
import { seededRandom } from './seeded-random.js';

export interface RandomFaultOptions {
  /** Share of requests to fault, from 0 (none) to 1 (all). */
  fraction: number;
  /** The faults to choose from, uniformly; list one several times to weight it. */
  faults: SimulatedFault[];
  /** Paths (without query) whose requests may be faulted; default only getenvinfo, so token endpoints stay clean. */
  paths?: string[];
  /** PRNG seed; default 1, so runs are reproducible unless asked otherwise. */
  seed?: number;
}

export class RandomFaults {
  readonly #fraction: number;
  readonly #faults: readonly SimulatedFault[];
  readonly #paths: ReadonlySet<string>;
  readonly #random: () => number;
  #injected = 0;

  constructor(options: RandomFaultOptions) {
    this.#fraction = validFraction(options.fraction);
    this.#faults = validFaults(options.faults, this.#fraction);
    this.#paths = new Set(validPaths(options.paths ?? [GET_ENV_INFO_PATH]));
    this.#random = seededRandom(options.seed ?? 1);
  }

  /** The fault this request on `path` meets, or undefined when it is spared (or its path is not covered). */
  take(path: string): SimulatedFault | undefined {
    if (!this.#paths.has(path)) return undefined;
    if (this.#random() >= this.#fraction) return undefined;
    const fault = this.#faults[Math.floor(this.#random() * this.#faults.length)];
    if (fault) this.#injected += 1;
    return fault;
  }

  /** How many requests were faulted so far. */
  get injected(): number {
    return this.#injected;
  }
}

function validFraction(fraction: number): number {
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new RangeError(`injectRandomFaults: fraction must be from 0 to 1 (got ${fraction}); 0.2 faults one request in five`);
  }
  return fraction;
}

function validFaults(faults: readonly SimulatedFault[], fraction: number): readonly SimulatedFault[] {
  if (faults.length === 0 && fraction > 0) {
    throw new RangeError('injectRandomFaults: faults is empty; list at least one fault to choose from, e.g. { kind: "errcode", errcode: -1 }');
  }
  return [...faults];
}

function validPaths(paths: readonly string[]): readonly string[] {
  const bad = paths.find((path) => !path.startsWith('/'));
  if (paths.length === 0 || bad !== undefined) {
    throw new RangeError(
      `injectRandomFaults: paths must be request paths starting with "/" such as "/tcb/getenvinfo" (got ${JSON.stringify(paths)}); omit it for getenvinfo only`,
    );
  }
  return paths;
}
