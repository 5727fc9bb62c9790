import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { isSkipped } from '../limits/argumentValues.js';

/** Whether a field of a selection can be answered without the parent's read. */
type FreeField = (field: FieldNode, info: GraphQLResolveInfo) => boolean;

const NO_DEFAULTS = new Map<string, never>();

const idOrTypename: FreeField = (field) =>
  field.name.value === 'id' || field.name.value === '__typename';

// `hasPreviousPage` is `offset > 0`, known from the arguments alone.
const pageInfoWithoutPage: FreeField = (field) =>
  field.name.value === 'hasPreviousPage' || field.name.value === '__typename';

const connectionWithoutPage: FreeField = (field, info) =>
  field.name.value === '__typename' ||
  (field.name.value === 'pageInfo' && selectsOnly(field.selectionSet, info, pageInfoWithoutPage));

/**
 * Whether the field's selection asks for nothing but `id` and `__typename`,
 * looking through inline and named fragments, and past what `@skip` and
 * `@include` leave out. Such a link needs no call.
 */
export function selectsOnlyId(info: GraphQLResolveInfo): boolean {
  return info.fieldNodes.every((node) => selectsOnly(node.selectionSet, info, idOrTypename));
}

/**
 * Whether a connection's selection can be answered without reading a page:
 * nothing but `__typename` and `pageInfo { hasPreviousPage }`.
 */
export function needsNoPage(info: GraphQLResolveInfo): boolean {
  return info.fieldNodes.every((node) =>
    selectsOnly(node.selectionSet, info, connectionWithoutPage),
  );
}

function selectsOnly(
  set: SelectionSetNode | undefined,
  info: GraphQLResolveInfo,
  free: FreeField,
  seen = new Set<string>(),
): boolean {
  if (set === undefined) return true;
  return set.selections.every((selection) => {
    // Execution's variables have their defaults already.
    if (isSkipped(selection, { given: info.variableValues, defaults: NO_DEFAULTS })) return true;
    switch (selection.kind) {
      case Kind.FIELD:
        return free(selection, info);
      case Kind.INLINE_FRAGMENT:
        return selectsOnly(selection.selectionSet, info, free, seen);
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment = info.fragments[name];
        if (fragment === undefined) return false;
        // Validation rejects fragment cycles; the guard only keeps this total.
        if (seen.has(name)) return true;
        seen.add(name);
        return selectsOnly(fragment.selectionSet, info, free, seen);
      }
      default:
        return false;
    }
  });
}
