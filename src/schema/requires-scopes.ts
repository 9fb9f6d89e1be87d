/**
 * AUTHORIZATION=router: Merchant.cloudEnvironments asks the router for a scope through the
 * Federation directive `@requiresScopes`. It is applied to the type-graphql schema as a
 * directive in the field's extensions (which the SDL printer reads), not by a decorator,
 * because it is configuration: off by default, so that the SDL links no `for: SECURITY`
 * feature and composes in every gateway, and its scope is AUTH_SCOPE.
 */
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';

export function requireScopeOnCloudEnvironments(schema: GraphQLSchema, scope: string): GraphQLSchema {
  let applied = false;
  const mapped = mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      if (typeName !== 'Merchant' || fieldName !== 'cloudEnvironments') return field;
      applied = true;
      const directives = { ...(field.extensions?.['directives'] as object | undefined), requiresScopes: [{ scopes: [[scope]] }] };
      return { ...field, extensions: { ...field.extensions, directives } };
    },
  });
  if (!applied) throw new Error('unreachable: the schema has no Merchant.cloudEnvironments to put @requiresScopes on');
  return mapped;
}
