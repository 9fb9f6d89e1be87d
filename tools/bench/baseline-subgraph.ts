/**
 * Baseline (b) of the benchmark, the framework floor: the same subgraph written the
 * plainest way. SDL-first `buildSubgraphSchema`, plain resolvers, one DataLoader per
 * operation keyed by authorizer, `undici.request` on a keep-alive Agent, served by the
 * same fastify + Apollo Server integration. It answers with exactly the field shapes of
 * the real subgraph (DateTime in China time, unknown statuses as UNKNOWN), but has none
 * of its layers: no type-graphql, no retries, token refresh, deadline, upstream guard,
 * cache, limits or structured errors. Fixed access tokens only.
 *
 * With `batching: false` it is baseline (a): no DataLoader, so every cloudEnvironments
 * field makes its own getenvinfo call (sending its `env`, when it has one), which is what
 * batching per authorizer saves.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import fastifyApollo from '@as-integrations/fastify';
import DataLoader from 'dataloader';
import Fastify from 'fastify';
import { GraphQLError, GraphQLScalarType } from 'graphql';
import { gql } from 'graphql-tag';
import { Agent, request } from 'undici';
import { formatChinaTime, parseChinaTime } from '../../src/wechat/china-time.js';

const typeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type CloudEnvironment {
    env: ID!
    alias: String!
    createTime: DateTime!
    updateTime: DateTime!
    status: CloudEnvironmentStatus!
    packageId: String!
    packageName: String!
  }

  scalar DateTime

  enum CloudEnvironmentStatus {
    NORMAL
    HALTED
    UNAVAILABLE
    UNKNOWN
  }

  type Merchant @key(fields: "id") {
    id: ID!
    cloudEnvironments(env: String): [CloudEnvironment!]
  }
`;

interface CloudEnvironment {
  env: string;
  alias: string;
  createTime: Date;
  updateTime: Date;
  status: string;
  packageId: string;
  packageName: string;
}

interface WireEnvironment {
  env: string;
  alias?: string;
  create_time: string;
  update_time: string;
  status: string;
  package_id?: string;
  package_name?: string;
}

interface Context {
  /** Authorizer appid → its environments, one getenvinfo call per authorizer per operation. */
  readonly environments: DataLoader<string, CloudEnvironment[]>;
}

type FieldArguments = { env?: string | null };

export interface BaselineAuthorizer {
  readonly appId: string;
  readonly accessToken: string;
}

export interface BaselineOptions {
  readonly port: number;
  readonly host: string;
  /** The WeChat origin, e.g. the simulator's http://127.0.0.1:40000 */
  readonly wechatBaseUrl: string;
  /** Merchant id → its authorizer. */
  readonly authorizers: ReadonlyMap<string, BaselineAuthorizer>;
  /** Keep-alive sockets to WeChat. */
  readonly upstreamConnections: number;
  /**
   * false: without Apollo Server's cache-control plugin, which it installs by default and
   * which hooks every resolved field. Default true: Apollo Server's defaults, as a minimal
   * hand-written server has them.
   */
  readonly cacheControlPlugin?: boolean;
  /** false: baseline (a), one getenvinfo call per field. Default true: one per authorizer per operation. */
  readonly batching?: boolean;
}

const KNOWN_STATUSES = new Set(['NORMAL', 'HALTED', 'UNAVAILABLE']);

function chinaTime(text: string): Date {
  const date = parseChinaTime(text);
  if (!date) throw new GraphQLError(`getenvinfo sent a time that is not YYYY-MM-DD HH:mm:ss: ${text}`);
  return date;
}

const toCloudEnvironment = (wire: WireEnvironment): CloudEnvironment => ({
  env: wire.env,
  alias: wire.alias ?? '',
  createTime: chinaTime(wire.create_time),
  updateTime: chinaTime(wire.update_time),
  status: KNOWN_STATUSES.has(wire.status) ? wire.status : 'UNKNOWN',
  packageId: wire.package_id ?? '',
  packageName: wire.package_name ?? '',
});

const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (value) => formatChinaTime(value as Date),
});

export async function startBaselineSubgraph(options: BaselineOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const agent = new Agent({ connections: options.upstreamConnections, keepAliveTimeout: 30_000, pipelining: 1 });
  const tokenOf = new Map([...options.authorizers.values()].map(({ appId, accessToken }) => [appId, accessToken]));

  async function getEnvInfo(appId: string, env?: string): Promise<CloudEnvironment[]> {
    const url = `${options.wechatBaseUrl}/tcb/getenvinfo?access_token=${encodeURIComponent(tokenOf.get(appId)!)}`;
    const body = env === undefined ? '{}' : JSON.stringify({ env });
    const response = await request(url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body });
    const answer = (await response.body.json()) as { errcode?: number; errmsg?: string; info_list?: WireEnvironment[] };
    if (response.statusCode !== 200 || (answer.errcode ?? 0) !== 0) {
      throw new GraphQLError(`getenvinfo failed: HTTP ${response.statusCode}, errcode ${answer.errcode}`);
    }
    return (answer.info_list ?? []).map(toCloudEnvironment);
  }

  const schema = buildSubgraphSchema([
    {
      typeDefs,
      resolvers: {
        DateTime,
        Merchant: {
          cloudEnvironments: async ({ id }: { id: string }, { env }: FieldArguments, context: Context) => {
            const authorizer = options.authorizers.get(id);
            if (!authorizer) throw new GraphQLError(`merchant ${id} is not in AUTHORIZERS_FILE`);
            const environments = options.batching === false ? await getEnvInfo(authorizer.appId, env ?? undefined) : await context.environments.load(authorizer.appId);
            return env == null ? environments : environments.filter((environment) => environment.env === env);
          },
        },
      },
    },
  ]);

  const app = Fastify({ logger: false });
  const apollo = new ApolloServer<Context>({ schema, plugins: options.cacheControlPlugin === false ? [ApolloServerPluginCacheControlDisabled()] : [] });
  await apollo.start();
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.register(fastifyApollo(apollo), {
    context: async () => ({
      environments: new DataLoader((appIds: readonly string[]) => Promise.all(appIds.map((appId) => getEnvInfo(appId).catch((error: Error) => error)))),
    }),
  });
  const address = await app.listen({ port: options.port, host: options.host });
  return {
    url: `${address}/graphql`,
    async close() {
      await app.close();
      await apollo.stop();
      await agent.close();
    },
  };
}
