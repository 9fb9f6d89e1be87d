/**
 * The three workloads, as the `_entities` operations a router would send: the request
 * bodies the load rotates through, the probe body (one operation sent alone to count its
 * WeChat calls) and the data the probe must get back, which every server has to match
 * byte for byte once parsed, so all of them are shown doing the same work.
 */
import type { BenchWorld, ServedEnvironment } from './bench-world.js';

export type WorkloadKey = 'W1' | 'W2' | 'W3';
export const WORKLOAD_KEYS: readonly WorkloadKey[] = ['W1', 'W2', 'W3'];

export interface Workload {
  readonly key: WorkloadKey;
  readonly title: string;
  readonly description: string;
  /** JSON request bodies; successive operations take the next one, round-robin across all connections. */
  readonly bodies: readonly string[];
  readonly probeBody: string;
  /** `data` of the probe's answer. */
  readonly probeData: unknown;
}

const ENVIRONMENT_FIELDS = 'env alias createTime updateTime status packageId packageName';

const FAN_OUT_QUERY = `query FanOut($representations: [_Any!]!, $env: String!) {
  _entities(representations: $representations) {
    ... on Merchant {
      id
      all: cloudEnvironments { ${ENVIRONMENT_FIELDS} }
      one: cloudEnvironments(env: $env) { ${ENVIRONMENT_FIELDS} }
    }
  }
}`;

const SINGLE_QUERY = `query Single($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Merchant { id cloudEnvironments { ${ENVIRONMENT_FIELDS} } }
  }
}`;

const representations = (merchantIds: readonly string[]) => merchantIds.map((id) => ({ __typename: 'Merchant', id }));

function fanOut(world: BenchWorld, merchantIds: readonly string[]): { body: string; data: unknown } {
  // The env the `one` field asks for: found for the merchants of the group's first authorizer, absent for the rest.
  const env = world.environmentsOf(merchantIds[0]!)[0]!.env;
  const only = (environments: readonly ServedEnvironment[]) => environments.filter((environment) => environment.env === env);
  return {
    body: JSON.stringify({ query: FAN_OUT_QUERY, variables: { representations: representations(merchantIds), env } }),
    data: { _entities: merchantIds.map((id) => ({ id, all: world.environmentsOf(id), one: only(world.environmentsOf(id)) })) },
  };
}

function single(world: BenchWorld, merchantId: string): { body: string; data: unknown } {
  return {
    body: JSON.stringify({ query: SINGLE_QUERY, variables: { representations: representations([merchantId]) } }),
    data: { _entities: [{ id: merchantId, cloudEnvironments: world.environmentsOf(merchantId) }] },
  };
}

export function buildWorkloads(world: BenchWorld): Record<WorkloadKey, Workload> {
  const fanOutProbe = fanOut(world, world.fanOutProbe);
  const singleProbe = single(world, world.singleProbe);
  const hot = single(world, world.hotMerchant);
  return {
    W1: {
      key: 'W1',
      title: 'W1 fan-out',
      description: `one _entities operation with 50 merchants over 25 authorizers, fields all: cloudEnvironments and one: cloudEnvironments(env:); operations rotate over ${world.fanOutGroups.length} such groups`,
      bodies: world.fanOutGroups.map((merchantIds) => fanOut(world, merchantIds).body),
      probeBody: fanOutProbe.body,
      probeData: fanOutProbe.data,
    },
    W2: {
      key: 'W2',
      title: 'W2 hot merchant',
      description: 'every client asks for the same merchant (one field)',
      bodies: [hot.body],
      probeBody: hot.body,
      probeData: hot.data,
    },
    W3: {
      key: 'W3',
      title: 'W3 single',
      description: `one merchant, one field per operation; operations rotate over ${world.singleMerchants.length} merchants of distinct authorizers`,
      bodies: world.singleMerchants.map((merchantId) => single(world, merchantId).body),
      probeBody: singleProbe.body,
      probeData: singleProbe.data,
    },
  };
}

/** A response counts as an operation done only when it carries data and no error. */
export const isCleanAnswer = (body: string) => body.startsWith('{"data":') && !body.includes('"errors":');
