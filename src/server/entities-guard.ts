/**
 * Checks an operation's `_entities` representations once the operation is known and
 * before it executes, so a refused operation costs no resolver and no WeChat call:
 *
 * - at most MAX_ENTITIES representations in the whole operation, counted after variables
 *   are applied (a variable, inline literals, or variables inside a literal list alike);
 * - every representation an object whose `__typename` is an entity of this subgraph.
 *
 * Either failure refuses the whole operation with BAD_USER_INPUT (HTTP 400): a gateway
 * never sends these, so the caller is misconfigured and a partial answer would hide it.
 * A representation with a missing or malformed `id` fails only its own item (see
 * merchant-reference.ts), since the list's other merchants are still good.
 */
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import {
  type FieldNode,
  type GraphQLField,
  GraphQLError,
  Kind,
  getArgumentValues,
  getVariableValues,
  isUnionType,
} from 'graphql';
import { rootFields } from './root-fields.js';

const ENTITIES_FIELD = '_entities';

const refuse = (message: string, node: FieldNode, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { nodes: node, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 }, ...extensions } });

const describeValue = (value: unknown) => (Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`);

function checkRepresentation(representation: unknown, index: number, entityTypes: readonly string[], node: FieldNode): GraphQLError | undefined {
  const example = `e.g. { "__typename": "${entityTypes[0]}", "id": "m_1001" }`;
  if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) {
    return refuse(`representations[${index}] is ${describeValue(representation)}; each representation must be an object, ${example}.`, node);
  }
  const typename = (representation as { __typename?: unknown }).__typename;
  if (typeof typename === 'string' && entityTypes.includes(typename)) return undefined;
  const sent = typename === undefined ? 'has no __typename' : `has __typename ${JSON.stringify(typename)}`;
  return refuse(`representations[${index}] ${sent}; this subgraph resolves only ${entityTypes.join(', ')} entities, ${example}. Nothing was resolved.`, node);
}

/**
 * The list a gateway sends: `_entities(representations: $name)` with `$name` a list of
 * objects. Execution will see it exactly as sent (`_Any` takes any value as is), so it is
 * read without coercing every variable of the operation a second time. Anything else
 * (an inline list, a default value, a null item) is left to `coercedRepresentations`.
 */
function sentRepresentations(node: FieldNode, variables: Readonly<Record<string, unknown>> | undefined): unknown[] | undefined {
  const argument = node.arguments?.find((candidate) => candidate.name.value === 'representations');
  if (argument?.value.kind !== Kind.VARIABLE || !variables) return undefined;
  const sent = variables[argument.value.name.value];
  return Array.isArray(sent) && sent.every((item) => item !== null && typeof item === 'object') ? sent : undefined;
}

/** The representations of `node` under the operation's coerced variables, as execution will see them; undefined where execution will report the error. */
function coercedRepresentations(fieldDefinition: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): unknown[] | undefined {
  try {
    const { representations } = getArgumentValues(fieldDefinition, node, variables) as { representations?: unknown };
    return Array.isArray(representations) ? representations : undefined;
  } catch {
    // An argument graphql-js cannot coerce fails the same way when the operation executes.
    return undefined;
  }
}

/** The representations each `_entities` selection carries. */
function representationLists(context: GraphQLRequestContextDidResolveOperation<BaseContext>): { node: FieldNode; representations: unknown[] }[] {
  const { schema, document, operation, request } = context;
  const fieldDefinition = schema.getQueryType()?.getFields()[ENTITIES_FIELD] as GraphQLField<unknown, unknown> | undefined;
  if (!fieldDefinition || !operation) return [];
  // Coerced once per operation, and only if some selection is not a gateway's plain variable.
  let coerced: ReturnType<typeof getVariableValues> | undefined;
  const lists: { node: FieldNode; representations: unknown[] }[] = [];
  for (const node of rootFields(document, operation.selectionSet)) {
    if (node.name.value !== ENTITIES_FIELD) continue;
    let representations = sentRepresentations(node, request.variables);
    if (!representations) {
      coerced ??= getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, { maxErrors: 1 });
      if (coerced.coerced) representations = coercedRepresentations(fieldDefinition, node, coerced.coerced);
    }
    if (representations) lists.push({ node, representations });
  }
  return lists;
}

export function entitiesGuardPlugin(maxEntities: number): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(context) {
          const entityUnion = context.schema.getType('_Entity');
          const entityTypes = isUnionType(entityUnion) ? entityUnion.getTypes().map((type) => type.name) : [];
          const lists = representationLists(context);
          const total = lists.reduce((sum, list) => sum + list.representations.length, 0);
          if (total > maxEntities) {
            throw refuse(
              `This operation carries ${total} entity representations; this subgraph resolves at most ${maxEntities} per operation (MAX_ENTITIES). Send them in batches of ${maxEntities} or fewer.`,
              lists[0]!.node,
              { limit: 'MAX_ENTITIES', maximum: maxEntities, actual: total },
            );
          }
          for (const { node, representations } of lists) {
            for (const [index, representation] of representations.entries()) {
              const error = checkRepresentation(representation, index, entityTypes, node);
              if (error) throw error;
            }
          }
        },
      };
    },
  };
}
