/**
 * Validation rules that refuse an operation costing far more than a gateway's real
 * fetches, before anything executes (and so before any WeChat call):
 *
 * - depth: fields nested along the longest path, the leaf included, fragments expanded
 *   (`_entities { ... on Merchant { cloudEnvironments { env } } }` is 3 deep);
 * - Merchant.cloudEnvironments selections: each alias and each fragment spread counts,
 *   because each may carry its own `env` and so its own work.
 *
 * Introspection (`__schema`, `__type`) is not measured: graphql-js's standard
 * introspection query, which Sandbox and codegen send, is deeper than any data query, its
 * answer is bounded by the schema, and graphql-js's own MaxIntrospectionDepthRule already
 * refuses the nestings that grow exponentially. In production introspection is off anyway.
 *
 * Refusals are GRAPHQL_VALIDATION_FAILED (HTTP 400) naming the limit and its variable.
 */
import {
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLNamedType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  getNamedType,
  isInterfaceType,
  isObjectType,
} from 'graphql';

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

export interface OperationLimits {
  readonly maxQueryDepth: number;
  readonly maxCloudEnvironmentFields: number;
}

interface Measure {
  /** Fields along the longest path, the leaf included. */
  readonly depth: number;
  /** Selections of the counted field. */
  readonly count: number;
}

const NOTHING: Measure = { depth: 0, count: 0 };

/**
 * Measures an operation with every fragment expanded. Each fragment is measured once and
 * reused, so a document that spreads fragments into fragments costs linear time here.
 */
function measureOperation(context: ValidationContext, operation: OperationDefinitionNode, counted: { type: string; field: string }): Measure {
  const schema = context.getSchema();
  const fragments = new Map<string, Measure | 'in progress'>();

  const fragmentMeasure = (fragment: FragmentDefinitionNode): Measure => {
    const known = fragments.get(fragment.name.value);
    // A cycle is NoFragmentCyclesRule's to report; here it simply adds nothing.
    if (known === 'in progress') return NOTHING;
    if (known) return known;
    fragments.set(fragment.name.value, 'in progress');
    const measured = measureSelections(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
    fragments.set(fragment.name.value, measured);
    return measured;
  };

  const measureSelections = (selectionSet: SelectionSetNode, parentType: GraphQLNamedType | undefined | null): Measure => {
    let depth = 0;
    let count = 0;
    for (const selection of selectionSet.selections) {
      let measured: Measure = NOTHING;
      if (selection.kind === 'Field') {
        const name = selection.name.value;
        if (INTROSPECTION_ROOTS.has(name)) continue;
        const fieldType = isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name]?.type : undefined;
        const below = selection.selectionSet ? measureSelections(selection.selectionSet, fieldType && getNamedType(fieldType)) : NOTHING;
        const isCounted = parentType?.name === counted.type && name === counted.field;
        measured = { depth: below.depth + 1, count: below.count + (isCounted ? 1 : 0) };
      } else if (selection.kind === 'InlineFragment') {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        measured = measureSelections(selection.selectionSet, type);
      } else {
        const fragment = context.getFragment(selection.name.value);
        if (fragment) measured = fragmentMeasure(fragment);
      }
      depth = Math.max(depth, measured.depth);
      count += measured.count;
    }
    return { depth, count };
  };

  return measureSelections(operation.selectionSet, schema.getRootType(operation.operation));
}

const MERCHANT_CLOUD_ENVIRONMENTS = { type: 'Merchant', field: 'cloudEnvironments' };

/** Refuses operations deeper than MAX_QUERY_DEPTH or selecting cloudEnvironments more than MAX_CLOUD_ENVIRONMENT_FIELDS times. */
export function operationLimitsRule(limits: OperationLimits): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const { depth, count } = measureOperation(context, operation, MERCHANT_CLOUD_ENVIRONMENTS);
      const label = operation.name ? `Operation "${operation.name.value}"` : 'This operation';
      if (depth > limits.maxQueryDepth) {
        context.reportError(
          new GraphQLError(
            `${label} nests fields ${depth} deep; this subgraph accepts at most ${limits.maxQueryDepth} (MAX_QUERY_DEPTH). A gateway's entity fetch needs about 3: flatten the selection.`,
            { nodes: operation, extensions: { limit: 'MAX_QUERY_DEPTH', maximum: limits.maxQueryDepth, actual: depth } },
          ),
        );
      }
      if (count > limits.maxCloudEnvironmentFields) {
        context.reportError(
          new GraphQLError(
            `${label} selects Merchant.cloudEnvironments ${count} times (aliases and fragment spreads count); this subgraph accepts at most ${limits.maxCloudEnvironmentFields} per operation (MAX_CLOUD_ENVIRONMENT_FIELDS). Select it once without "env" to get every environment, or split the operation.`,
            { nodes: operation, extensions: { limit: 'MAX_CLOUD_ENVIRONMENT_FIELDS', maximum: limits.maxCloudEnvironmentFields, actual: count } },
          ),
        );
      }
    },
  });
}
