/**
 * Builds the Federation 2 subgraph schema the way type-graphql's own Apollo Federation 2
 * example does: build with type-graphql, print with directives (plain printSchema drops
 * @key), and hand that SDL to @apollo/subgraph with type-graphql's resolver map merged
 * with the entity's reference resolver. The classes and resolvers are what runs.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config/index.js';
import { gql } from 'graphql-tag';
import { buildSchemaSync, createResolversMap } from 'type-graphql';
import { CloudEnvironment } from './cloud-environment.js';
import { Merchant } from './merchant.js';
import { resolveMerchantReference } from './merchant-reference.js';
import { MerchantResolver } from './merchant-resolver.js';
import { requireScopeOnCloudEnvironments } from './requires-scopes.js';

export interface SchemaOptions {
  /**
   * AUTHORIZATION=router: the scope (AUTH_SCOPE) Merchant.cloudEnvironments requires through
   * `@requiresScopes`. Unset (the default): the SDL links no authorization feature, which
   * @apollo/gateway and an unlicensed Apollo Router refuse.
   */
  readonly requiredScope?: string | undefined;
}

/** The schema a configuration serves: @requiresScopes only under AUTHORIZATION=router. */
export function schemaOptionsOf(config: Pick<Config, 'authorization'>): SchemaOptions {
  return { requiredScope: config.authorization.router ? config.authorization.scope : undefined };
}

/** The `@link` the SDL starts with: Federation 2.7, importing only what the SDL uses. */
function federationLink(options: SchemaOptions = {}): string {
  const imports = options.requiredScope === undefined ? '"@key"' : '"@key", "@requiresScopes"';
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: [${imports}])`;
}

export function buildCloudEnvironmentsSchema(options: SchemaOptions = {}): GraphQLSchema {
  // The subgraph has no Query of its own: types reached only through Merchant are listed
  // explicitly, and the root-type check is left to buildSubgraphSchema, which adds _entities.
  const built = buildSchemaSync({
    resolvers: [MerchantResolver],
    orphanedTypes: [Merchant, CloudEnvironment],
    skipCheck: true,
  });
  const schema = options.requiredScope === undefined ? built : requireScopeOnCloudEnvironments(built, options.requiredScope);
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  return buildSubgraphSchema([
    {
      typeDefs: gql`${federationLink(options)}\n${printSchemaWithDirectives(schema)}`,
      resolvers: { ...resolvers, Merchant: { ...resolvers['Merchant'], __resolveReference: resolveMerchantReference } } as never,
    },
  ]);
}
