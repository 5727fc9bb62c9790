/**
 * The root fields of an operation, for the checks that run before execution
 * once its variables are known (plugins/accountIds.ts,
 * plugins/entitiesLimit.ts), and for MAX_ROOT_FIELDS in validation, before
 * they are (rootFields.ts).
 */
import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { isSkipped, type Variables } from './argumentValues.js';
import { fragmentsOf } from './fragments.js';

/**
 * The fields at the root of `operation` as execution runs them: fragments
 * expanded, one field per response key (graphql-js merges fields that share
 * one, and validation has made sure their arguments are the same), and none
 * that `@skip` or `@include` leaves out. With a stack of selection sets
 * rather than recursion: a chain of a few thousand fragments, each spreading
 * the next, must not take a stack frame per link (fragments.ts).
 */
export function rootFieldsOf(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  variables: Variables,
): FieldNode[] {
  const fragments = fragmentsOf(document);
  const spread = new Set<string>();
  const fields = new Map<string, FieldNode>();
  const open: SelectionSetNode[] = [operation.selectionSet];
  for (let set = open.pop(); set !== undefined; set = open.pop()) {
    for (const selection of set.selections) {
      if (isSkipped(selection, variables)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = (selection.alias ?? selection.name).value;
        if (!fields.has(key)) fields.set(key, selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        open.push(selection.selectionSet);
      } else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) open.push(fragment.selectionSet);
      }
    }
  }
  return [...fields.values()];
}
