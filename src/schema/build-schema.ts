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
  // type-graphql gives every plain field (CloudEnvironment.env, Merchant.id…) a resolver of
  // its own, there only to run middlewares, which this schema has none of. Those are left to
  // graphql's default resolver: a 50-merchant operation reads some 1,750 of them. Only the
  // resolver classes' fields, the scalars and the enums are carried over.
  const { Merchant: merchant, CloudEnvironment: _plainFields, ...scalarsAndEnums } = createResolversMap(typeGraphqlSchema) as Record<string, Record<string, unknown>>;
  return buildSubgraphSchema([
    {
      typeDefs: gql`${FEDERATION_LINK}\n${printSchemaWithDirectives(typeGraphqlSchema)}`,
      resolvers: {
        ...scalarsAndEnums,
        Merchant: { cloudEnvironments: merchant!['cloudEnvironments'], __resolveReference: resolveMerchantReference },
      } as never,
    },
  ]);
}
