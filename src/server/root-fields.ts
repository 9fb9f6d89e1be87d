/** The fields an operation selects at its root, through inline fragments and fragment spreads. */
import type { DocumentNode, FieldNode, SelectionSetNode } from 'graphql';

/**
 * Every field selected directly at the root, in document order; `@skip`/`@include` are not
 * applied, so a field skipped at run time still counts (callers treat that as the safe side).
 */
export function rootFields(document: DocumentNode, selectionSet: SelectionSetNode, seen = new Set<string>()): FieldNode[] {
  const found: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'Field') {
      found.push(selection);
    } else if (selection.kind === 'InlineFragment') {
      found.push(...rootFields(document, selection.selectionSet, seen));
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = document.definitions.find((definition) => definition.kind === 'FragmentDefinition' && definition.name.value === selection.name.value);
      if (fragment?.kind === 'FragmentDefinition') found.push(...rootFields(document, fragment.selectionSet, seen));
    }
  }
  return found;
}
