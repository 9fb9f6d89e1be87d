/**
 * Builds the Federation 2 subgraph schema from the type-graphql classes: build with
 * type-graphql, print with directives (plain printSchema drops @key), and hand the SDL
 * and resolvers, with the entity's reference resolver, to @apollo/subgraph.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { gql } from 'graphql-tag';
import { buildSchemaSync, createResolversMap } from 'type-graphql';
import type { Context } from '../context.js';
import { CloudEnvironment } from './cloud-environment.js';
import { Merchant } from './merchant.js';
import { resolveMerchantReference } from './merchant-reference.js';
import { MerchantResolver } from './merchant-resolver.js';

export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@requiresScopes"])';

export function buildCloudEnvironmentsSchema(): GraphQLSchema {
  // The subgraph has no Query of its own: types reached only through Merchant are listed
  // explicitly, and the root-type check is left to buildSubgraphSchema, which adds _entities.
  const typeGraphqlSchema = buildSchemaSync({
    resolvers: [MerchantResolver],
    orphanedTypes: [Merchant, CloudEnvironment],
    skipCheck: true,
  });
  // type-graphql wraps every resolver in glue of its own. For a plain field
  // (CloudEnvironment.env, Merchant.id…) the glue only runs middlewares, which this schema
  // has none of: graphql's default resolver reads them instead (a 50-merchant operation
  // reads some 1,750). For a field resolver, the glue sorts the parameter list, passes each
  // argument through an async validator (validation is off) and joins them with
  // Promise.all, on every call; Merchant.cloudEnvironments runs once per merchant and alias,
  // so it is called directly, its parameters in the order its decorators declare them
  // (DIRECT_PARAMETERS, held to the decorators by a test).
  const { Merchant: _merchantFields, CloudEnvironment: _plainFields, ...scalarsAndEnums } = createResolversMap(typeGraphqlSchema);
  const merchantResolver = new MerchantResolver();
  return buildSubgraphSchema([
    {
      typeDefs: gql`${FEDERATION_LINK}\n${printSchemaWithDirectives(typeGraphqlSchema)}`,
      resolvers: {
        ...scalarsAndEnums,
        Merchant: {
          cloudEnvironments: (merchant: Merchant, { env }: { env?: string | null }, context: Context) => merchantResolver.cloudEnvironments(merchant, env ?? null, context),
          __resolveReference: resolveMerchantReference,
        },
      } as never,
    },
  ]);
}

/** The parameters of MerchantResolver.cloudEnvironments as the direct call above passes them. */
export const DIRECT_PARAMETERS = ['root', 'arg env', 'context'] as const;
