/**
 * What type-graphql's resolver glue costs, in process, with no HTTP and no WeChat: the
 * schema as it runs (type-graphql's resolver map; its field resolver binds the parameters
 * on every call, and plain fields are simpleResolvers) beside the same SDL with the field
 * called directly, as this subgraph was wired by hand before. Measured per
 * Merchant.cloudEnvironments call, per plain field read, and per executed W1/W3 operation
 * (loaders answered at once from memory, so only the GraphQL layer is timed).
 *
 *   npm run bench -- --resolver-glue
 */
import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLSchema, defaultFieldResolver, execute, isObjectType, parse } from 'graphql';
import { createResolversMap } from 'type-graphql';
import { buildCloudEnvironmentsSchema } from '../../src/schema/build-schema.js';
import { resolveMerchantReference } from '../../src/schema/merchant-reference.js';
import { MerchantResolver } from '../../src/schema/merchant-resolver.js';
import { printCloudEnvironmentsSdl } from '../../src/schema/print-schema.js';
import type { Context } from '../../src/context.js';
import { type EnvInfo, CloudEnvironmentStatus } from '../../src/wechat/env-info.js';
import { median } from './measure-workload.js';

const ROUNDS = 7;
const FIELDS = 'env alias status createTime updateTime packageId packageName';
const W1 = `query FanOut($representations: [_Any!]!, $env: String!) { _entities(representations: $representations) { ... on Merchant { id all: cloudEnvironments { ${FIELDS} } one: cloudEnvironments(env: $env) { ${FIELDS} } } } }`;
const W3 = `query Single($representations: [_Any!]!) { _entities(representations: $representations) { ... on Merchant { id cloudEnvironments { ${FIELDS} } } } }`;

const environment = (env: string): EnvInfo => ({
  env,
  alias: env.split('-')[0]!,
  createTime: new Date('2019-04-04T06:10:28Z'),
  updateTime: new Date('2019-04-04T06:10:36Z'),
  status: CloudEnvironmentStatus.NORMAL,
  upstreamStatus: 'NORMAL',
  packageId: 'basic',
  packageName: '基础版 1',
});
const ENVIRONMENTS = ['prod-7g3k9d', 'test-2b4c6e', 'dev-9f8e7d', 'shop-3a7c1e'].map(environment);

/** A context whose loaders answer at once: what is left is the GraphQL layer. */
function memoryContext(): Context {
  return {
    stats: { upstreamCalls: 0, merchants: new Set<string>(), startedAt: 0 },
    caller: undefined,
    authorizers: { load: (merchantId: string) => Promise.resolve({ merchantId, authorizerAppId: 'wx0000000000000001' }) },
    cloudEnvironments: { load: (_appId: string, env: string | undefined) => Promise.resolve(env ? ENVIRONMENTS.filter((item) => item.env === env) : ENVIRONMENTS) },
  } as unknown as Context;
}

/** The same SDL wired by hand: the field called directly, plain fields on graphql's default resolver. */
function directSchema(): GraphQLSchema {
  const { Merchant: _merchant, CloudEnvironment: _environment, ...scalarsAndEnums } = createResolversMap(buildCloudEnvironmentsSchema()) as Record<string, unknown>;
  const resolver = new MerchantResolver();
  return buildSubgraphSchema([
    {
      typeDefs: parse(printCloudEnvironmentsSdl()),
      resolvers: {
        ...scalarsAndEnums,
        Merchant: {
          cloudEnvironments: (merchant: { id: string }, { env }: { env?: string | null }, context: Context) => resolver.cloudEnvironments(merchant, env ?? null, context),
          __resolveReference: resolveMerchantReference,
        },
      } as never,
    },
  ]);
}

function fieldOf(schema: GraphQLSchema, typeName: string, fieldName: string) {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  return type.getFields()[fieldName]!.resolve ?? defaultFieldResolver;
}

/** CPU ns per unit of one run of `units` units. */
async function cpuNanoseconds(units: number, run: () => Promise<unknown> | unknown): Promise<number> {
  const started = process.cpuUsage();
  await run();
  const { user, system } = process.cpuUsage(started);
  return ((user + system) * 1000) / units;
}

/**
 * Each measure of both schemas, in alternating rounds after a warm-up round each: a shared
 * machine's speed drifts, and alternating keeps the drift off one side. Medians per side.
 */
async function alternating(measures: ReadonlyArray<(schema: GraphQLSchema) => Promise<number>>, schemas: readonly GraphQLSchema[]): Promise<number[][]> {
  const samples = schemas.map(() => measures.map((): number[] => []));
  for (let round = 0; round <= ROUNDS; round += 1) {
    for (const [measureIndex, measure] of measures.entries()) {
      for (const [schemaIndex, schema] of schemas.entries()) {
        const value = await measure(schema);
        if (round > 0) samples[schemaIndex]![measureIndex]!.push(value);
      }
    }
  }
  return samples.map((perMeasure) => perMeasure.map((values) => median(values)));
}

async function fieldCalls(schema: GraphQLSchema, calls: number): Promise<number> {
  const resolve = fieldOf(schema, 'Merchant', 'cloudEnvironments');
  const info = {} as never;
  return cpuNanoseconds(calls, async () => {
    const context = memoryContext();
    const pending: unknown[] = [];
    for (let index = 0; index < calls; index += 1) pending.push(resolve({ id: `m_${index % 50}` }, { env: null }, context, info));
    await Promise.all(pending);
  });
}

async function plainReads(schema: GraphQLSchema, reads: number): Promise<number> {
  const resolve = fieldOf(schema, 'CloudEnvironment', 'packageId');
  const info = { fieldName: 'packageId' } as never;
  const context = memoryContext();
  return cpuNanoseconds(reads, () => {
    for (let index = 0; index < reads; index += 1) resolve(ENVIRONMENTS[index % 4], {}, context, info);
  });
}

async function operations(schema: GraphQLSchema, query: string, merchants: number, count: number): Promise<number> {
  const document = parse(query);
  const variableValues = { representations: Array.from({ length: merchants }, (_, index) => ({ __typename: 'Merchant', id: `m_${index}` })), env: 'prod-7g3k9d' };
  return cpuNanoseconds(count, async () => {
    for (let index = 0; index < count; index += 1) {
      const result = await execute({ schema, document, variableValues, contextValue: memoryContext() });
      if (result.errors) throw new Error(`the benchmark operation failed: ${result.errors[0]?.message}`);
    }
  });
}

export async function measureResolverGlue(): Promise<string> {
  const labels = ['type-graphql resolver map (as shipped)', 'hand-wired: direct call, default resolvers'];
  const figures = await alternating(
    [
      (schema) => fieldCalls(schema, 20_000),
      (schema) => plainReads(schema, 500_000),
      async (schema) => (await operations(schema, W1, 50, 100)) / 1000,
      async (schema) => (await operations(schema, W3, 1, 2_000)) / 1000,
    ],
    [buildCloudEnvironmentsSchema(), directSchema()],
  );
  const rows: string[] = [];
  for (const [index, label] of labels.entries()) {
    const row = figures[index]!;
    rows.push(`  ${label.padEnd(44)} ${row[0]!.toFixed(0).padStart(6)} ns ${row[1]!.toFixed(0).padStart(6)} ns ${row[2]!.toFixed(0).padStart(7)} µs ${row[3]!.toFixed(1).padStart(7)} µs`);
  }
  const [glue, direct] = figures as [number[], number[]];
  rows.push(
    `  ${'glue − direct'.padEnd(44)} ${(glue[0]! - direct[0]!).toFixed(0).padStart(6)} ns ${(glue[1]! - direct[1]!).toFixed(0).padStart(6)} ns ${(glue[2]! - direct[2]!).toFixed(0).padStart(7)} µs ${(glue[3]! - direct[3]!).toFixed(1).padStart(7)} µs`,
  );
  return [
    `type-graphql's resolver glue, in process (CPU, median of ${ROUNDS} rounds; loaders answer from memory):`,
    `  ${''.padEnd(44)} ${'field call'.padStart(9)} ${'plain read'.padStart(9)} ${'W1 execute'.padStart(10)} ${'W3 execute'.padStart(10)}`,
    ...rows,
  ].join('\n');
}
