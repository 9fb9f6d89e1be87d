/**
 * MERCHANT_AUTHORIZER_FIELD: Merchant gains that field as `@external` (a nullable String,
 * owned by the merchants subgraph) and cloudEnvironments `@requires` it, so the gateway
 * sends each merchant's mini-program appid with its representation and no registry is
 * read. Applied to the type-graphql schema as directives in the fields' extensions (which
 * the SDL printer reads), as requires-scopes.ts applies @requiresScopes, because it is
 * configuration: off by default, and the field's name is the merchants subgraph's.
 */
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { GraphQLObjectType, GraphQLString, type GraphQLFieldConfig, type GraphQLSchema } from 'graphql';

type FieldConfig = GraphQLFieldConfig<unknown, unknown>;

function withDirective(field: FieldConfig, name: string, args: object): FieldConfig {
  const directives = { ...(field.extensions?.['directives'] as object | undefined), [name]: [args] };
  return { ...field, extensions: { ...field.extensions, directives } };
}

export function requireAuthorizerField(schema: GraphQLSchema, authorizerField: string): GraphQLSchema {
  let applied = false;
  const mapped = mapSchema(schema, {
    [MapperKind.OBJECT_TYPE]: (type) => {
      if (type.name !== 'Merchant') return type;
      const { fields, ...config } = type.toConfig();
      const { id, cloudEnvironments, ...others } = fields;
      if (!id || !cloudEnvironments) return type;
      applied = true;
      // No description: the field is the merchants subgraph's, and so is its documentation (routers would show ours instead).
      const external: FieldConfig = { type: GraphQLString };
      return new GraphQLObjectType({
        ...config,
        fields: {
          id,
          [authorizerField]: withDirective(external, 'external', {}),
          ...others,
          cloudEnvironments: withDirective(cloudEnvironments, 'requires', { fields: authorizerField }),
        },
      });
    },
  });
  if (!applied) throw new Error('unreachable: the schema has no Merchant with id and cloudEnvironments to put @requires on');
  return mapped;
}
