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
import { merchantReferenceResolver } from './merchant-reference.js';
import { MerchantResolver } from './merchant-resolver.js';
import { requireAuthorizerField } from './requires-authorizer-field.js';
import { requireScopeOnCloudEnvironments } from './requires-scopes.js';

export interface SchemaOptions {
  /**
   * AUTHORIZATION=router: the scope (AUTH_SCOPE) Merchant.cloudEnvironments requires through
   * `@requiresScopes`. Unset (the default): the SDL links no authorization feature, which
   * @apollo/gateway and an unlicensed Apollo Router refuse.
   */
  readonly requiredScope?: string | undefined;
  /**
   * MERCHANT_AUTHORIZER_FIELD: the merchants subgraph's field holding each merchant's
   * mini-program appid, declared `@external` and `@requires`d by cloudEnvironments. Unset
   * (the default): the registry names each merchant's authorizer.
   */
  readonly authorizerField?: string | undefined;
}

/** The schema a configuration serves: @requiresScopes only under AUTHORIZATION=router, @requires only with MERCHANT_AUTHORIZER_FIELD. */
export function schemaOptionsOf(config: Pick<Config, 'authorization' | 'merchantAuthorizerField'>): SchemaOptions {
  return { requiredScope: config.authorization.router ? config.authorization.scope : undefined, authorizerField: config.merchantAuthorizerField };
}

/** The `@link` the SDL starts with: Federation 2.7, importing only what the SDL uses. */
function federationLink(options: SchemaOptions = {}): string {
  const imports = [
    '@key',
    ...(options.authorizerField === undefined ? [] : ['@external', '@requires']),
    ...(options.requiredScope === undefined ? [] : ['@requiresScopes']),
  ];
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: [${imports.map((name) => `"${name}"`).join(', ')}])`;
}

/** The configuration's federation directives, applied to the type-graphql schema. */
function withFederationDirectives(schema: GraphQLSchema, options: SchemaOptions): GraphQLSchema {
  const scoped = options.requiredScope === undefined ? schema : requireScopeOnCloudEnvironments(schema, options.requiredScope);
  return options.authorizerField === undefined ? scoped : requireAuthorizerField(scoped, options.authorizerField);
}

export function buildCloudEnvironmentsSchema(options: SchemaOptions = {}): GraphQLSchema {
  // The subgraph has no Query of its own: types reached only through Merchant are listed
  // explicitly, and the root-type check is left to buildSubgraphSchema, which adds _entities.
  const built = buildSchemaSync({
    resolvers: [MerchantResolver],
    orphanedTypes: [Merchant, CloudEnvironment],
    skipCheck: true,
  });
  const schema = withFederationDirectives(built, options);
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  return buildSubgraphSchema([
    {
      typeDefs: gql`${federationLink(options)}\n${printSchemaWithDirectives(schema)}`,
      resolvers: { ...resolvers, Merchant: { ...resolvers['Merchant'], __resolveReference: merchantReferenceResolver(options.authorizerField) } } as never,
    },
  ]);
}
