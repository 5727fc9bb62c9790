import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { isSkipped } from '../limits/argumentValues.js';

const FREE_FIELDS = new Set(['id', '__typename']);
const NO_DEFAULTS = new Map<string, never>();

/**
 * Whether the field's selection asks for nothing but `id` and `__typename`,
 * looking through inline and named fragments, and past what `@skip` and
 * `@include` leave out. Such a link needs no call.
 */
export function selectsOnlyId(info: GraphQLResolveInfo): boolean {
  return info.fieldNodes.every(
    (node) => node.selectionSet === undefined || onlyFree(node.selectionSet, info, new Set()),
  );
}

function onlyFree(set: SelectionSetNode, info: GraphQLResolveInfo, seen: Set<string>): boolean {
  return set.selections.every((selection) => {
    // Execution's variables have their defaults already.
    if (isSkipped(selection, { given: info.variableValues, defaults: NO_DEFAULTS })) return true;
    switch (selection.kind) {
      case Kind.FIELD:
        return FREE_FIELDS.has(selection.name.value);
      case Kind.INLINE_FRAGMENT:
        return onlyFree(selection.selectionSet, info, seen);
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment = info.fragments[name];
        if (fragment === undefined) return false;
        // Validation rejects fragment cycles; the guard only keeps this total.
        if (seen.has(name)) return true;
        seen.add(name);
        return onlyFree(fragment.selectionSet, info, seen);
      }
      default:
        return false;
    }
  });
}
