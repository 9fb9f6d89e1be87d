/**
 * The client operations a soak run sends, drawn from a seeded PRNG: the whole merchant
 * list, one merchant with all its environments, one merchant filtered by `env` (its own,
 * another authorizer's, or one nobody has), and one merchant asking both ways through
 * aliases, which makes the subgraph answer both from one getEnvInfo call. Each operation
 * carries what a correct answer must look like.
 */
import type { SoakMerchant } from './soak-world.js';

/** One `cloudEnvironments` selection on a merchant: its response key, `env` argument and subfields. */
export interface CloudEnvironmentsSelection {
  readonly key: string;
  readonly env: string | undefined;
  readonly withStatus: boolean;
}

export interface SoakOperation {
  readonly shape: 'list' | 'single' | 'single-env' | 'aliased';
  readonly query: string;
  readonly variables: Readonly<Record<string, string>>;
  /** `list`: data.merchants holds every merchant in order; otherwise data.merchant is this one. */
  readonly merchant: SoakMerchant | 'all';
  readonly selections: readonly CloudEnvironmentsSelection[];
}

// Every selection reads fetchedAt: a last good answer served in a fault's place is checked for being one WeChat gave.
const LIST = 'query SoakMerchants { merchants { id name cloudEnvironments { env status fetchedAt } } }';
const SINGLE = 'query SoakMerchant($id: ID!) { merchant(id: $id) { id name cloudEnvironments { env status fetchedAt } } }';
const SINGLE_ENV = 'query SoakMerchantEnv($id: ID!, $env: String!) { merchant(id: $id) { id name cloudEnvironments(env: $env) { env fetchedAt } } }';
const ALIASED =
  'query SoakMerchantAliased($id: ID!, $env: String!) { merchant(id: $id) { id name all: cloudEnvironments { env status fetchedAt } one: cloudEnvironments(env: $env) { env fetchedAt } } }';

const ALL: CloudEnvironmentsSelection = { key: 'cloudEnvironments', env: undefined, withStatus: true };

export class SoakOperations {
  constructor(
    private readonly merchants: readonly SoakMerchant[],
    private readonly allEnvIds: readonly string[],
    private readonly random: () => number,
  ) {}

  next(): SoakOperation {
    const roll = this.random();
    if (roll < 0.2) return { shape: 'list', query: LIST, variables: {}, merchant: 'all', selections: [ALL] };
    const merchant = this.pick(this.merchants);
    if (roll < 0.45) return { shape: 'single', query: SINGLE, variables: { id: merchant.id }, merchant, selections: [ALL] };
    const env = this.envFor(merchant);
    if (roll < 0.75) {
      const selections = [{ key: 'cloudEnvironments', env, withStatus: false }];
      return { shape: 'single-env', query: SINGLE_ENV, variables: { id: merchant.id, env }, merchant, selections };
    }
    const selections = [
      { key: 'all', env: undefined, withStatus: true },
      { key: 'one', env, withStatus: false },
    ];
    return { shape: 'aliased', query: ALIASED, variables: { id: merchant.id, env }, merchant, selections };
  }

  /** Mostly one of the merchant's own environments; sometimes another authorizer's or one that does not exist (both: an empty list). */
  private envFor(merchant: SoakMerchant): string {
    const roll = this.random();
    const own = merchant.environments ?? [];
    if (roll < 0.6 && own.length > 0) return this.pick(own).env;
    if (roll < 0.8) return this.pick(this.allEnvIds);
    return `soak-nobody-${Math.floor(this.random() * 1000)}`;
  }

  private pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.random() * items.length)];
    if (item === undefined) throw new Error('SoakOperations: nothing to pick from; the soak world needs at least one merchant and environment');
    return item;
  }
}

/** What a correct `cloudEnvironments` selection holds for this merchant, `fetchedAt` aside (response-check.ts checks it). */
export function expectedEnvironments(merchant: SoakMerchant, selection: CloudEnvironmentsSelection): unknown[] | undefined {
  if (!merchant.environments) return undefined;
  const listed = selection.env === undefined ? merchant.environments : merchant.environments.filter((environment) => environment.env === selection.env);
  return listed.map((environment) => (selection.withStatus ? { env: environment.env, status: environment.status } : { env: environment.env }));
}
