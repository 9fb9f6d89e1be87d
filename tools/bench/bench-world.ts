/**
 * The merchants a benchmark run serves, described once and read by every process: the
 * simulator child seeds WeChat from it, the bench writes AUTHORIZERS_FILE from it, and the
 * probes check each server's answer against it. Every authorizer has a FIXED access token
 * (no token endpoint in the measurement) and two environments.
 *
 * W1 operations rotate over `groups` groups of 50 merchants over 25 authorizers, more
 * groups than connections, so no two operations in flight share an authorizer: with the
 * cache off, single-flight cannot join them and every operation pays its own WeChat calls,
 * exactly like the baselines. Each probe (one operation alone, to count its WeChat calls)
 * has merchants nothing else touches, so it always meets a cold cache.
 */
import type { AuthorizersFileEntry } from '../../src/authorizers/authorizers-file.js';
import type { SimulatedAuthorizer, SimulatedEnvironment } from '../../src/simulator/index.js';

export const MERCHANTS_PER_GROUP = 50;
export const AUTHORIZERS_PER_GROUP = 25;

/** A cloud environment as the servers serve it (the GraphQL field shape). */
export interface ServedEnvironment {
  readonly env: string;
  readonly alias: string;
  readonly createTime: string;
  readonly updateTime: string;
  readonly status: string;
  readonly packageId: string;
  readonly packageName: string;
}

export interface BenchWorld {
  readonly simulatorAuthorizers: readonly SimulatedAuthorizer[];
  readonly authorizersFile: readonly AuthorizersFileEntry[];
  /** W1 load: merchant ids of each group, in the order an operation lists them. */
  readonly fanOutGroups: readonly (readonly string[])[];
  /** W1 probe: a group of its own. */
  readonly fanOutProbe: readonly string[];
  /** W3 load: one merchant of each load authorizer, so consecutive operations ask different authorizers. */
  readonly singleMerchants: readonly string[];
  /** W3 probe: a merchant with an authorizer of its own. */
  readonly singleProbe: string;
  /** W2: the one merchant every client asks for, with an authorizer of its own. */
  readonly hotMerchant: string;
  environmentsOf(merchantId: string): readonly ServedEnvironment[];
}

interface Authorizer {
  readonly appId: string;
  readonly accessToken: string;
  readonly environments: readonly ServedEnvironment[];
  readonly simulated: SimulatedEnvironment[];
}

const appIdFor = (index: number) => `wxbe0c${index.toString(16).padStart(12, '0')}`;

/** Two environments per authorizer, ids naming it, so wrong-merchant data cannot pass a probe. */
function authorizerAt(index: number): Authorizer {
  const plans = [
    { suffix: 'prod', alias: '', status: 'NORMAL', packageId: 'basic', packageName: '基础版 1', created: ['2024-04-04 14:10:28', '2024-04-04T14:10:28+08:00'] },
    { suffix: 'test', alias: 'staging', status: 'HALTED', packageId: 'standard', packageName: '标准版', created: ['2023-11-30 23:59:59', '2023-11-30T23:59:59+08:00'] },
  ] as const;
  const updated = ['2024-05-01 09:00:00', '2024-05-01T09:00:00+08:00'] as const;
  const environments = plans.map((plan) => ({
    env: `bench-${index}-${plan.suffix}`,
    alias: plan.alias,
    createTime: plan.created[1],
    updateTime: updated[1],
    status: plan.status,
    packageId: plan.packageId,
    packageName: plan.packageName,
  }));
  const simulated = plans.map((plan, position) => ({
    env: environments[position]!.env,
    alias: plan.alias,
    create_time: plan.created[0],
    update_time: updated[0],
    status: plan.status,
    package_id: plan.packageId,
    package_name: plan.packageName,
  }));
  return { appId: appIdFor(index), accessToken: `bench-token-${index}-not-a-wechat-token`, environments, simulated };
}

/** The same world for the same `groups`, in whichever process builds it. */
export function buildBenchWorld(options: { groups: number }): BenchWorld {
  if (!Number.isInteger(options.groups) || options.groups < 1) {
    throw new RangeError(`buildBenchWorld: groups must be a whole number of at least 1 (got ${options.groups})`);
  }
  const authorizers: Authorizer[] = [];
  const entries: AuthorizersFileEntry[] = [];
  const authorizerOf = new Map<string, Authorizer>();
  const addMerchant = (merchantId: string, authorizer: Authorizer) => {
    entries.push({ merchantId, authorizerAppId: authorizer.appId, authorizerAccessToken: authorizer.accessToken });
    authorizerOf.set(merchantId, authorizer);
    return merchantId;
  };
  const newAuthorizer = () => {
    const authorizer = authorizerAt(authorizers.length);
    authorizers.push(authorizer);
    return authorizer;
  };
  const group = (name: string) => {
    const own = Array.from({ length: AUTHORIZERS_PER_GROUP }, newAuthorizer);
    return Array.from({ length: MERCHANTS_PER_GROUP }, (_, position) => addMerchant(`m_bench_${name}_${position}`, own[position % AUTHORIZERS_PER_GROUP]!));
  };

  const fanOutGroups = Array.from({ length: options.groups }, (_, index) => group(String(index)));
  const fanOutProbe = group('probe');
  const singleProbe = addMerchant('m_bench_single_probe', newAuthorizer());
  const hotMerchant = addMerchant('m_bench_hot', newAuthorizer());
  // Position p of every group before p+1 of any: consecutive merchants never share an authorizer.
  const singleMerchants = Array.from({ length: AUTHORIZERS_PER_GROUP }, (_, position) => fanOutGroups.map((merchants) => merchants[position]!)).flat();

  return {
    simulatorAuthorizers: authorizers.map(({ appId, accessToken, simulated }) => ({ appId, accessToken, environments: simulated })),
    authorizersFile: entries,
    fanOutGroups,
    fanOutProbe,
    singleMerchants,
    singleProbe,
    hotMerchant,
    environmentsOf(merchantId) {
      const authorizer = authorizerOf.get(merchantId);
      if (!authorizer) throw new Error(`the bench world has no merchant ${merchantId}`);
      return authorizer.environments;
    },
  };
}
