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
  const resolvers = createResolversMap(typeGraphqlSchema);
  return buildSubgraphSchema([
    {
      typeDefs: gql`${FEDERATION_LINK}\n${printSchemaWithDirectives(typeGraphqlSchema)}`,
      resolvers: {
        ...resolvers,
        Merchant: { ...(resolvers['Merchant'] as object), __resolveReference: resolveMerchantReference },
      } as never,
    },
  ]);
}
