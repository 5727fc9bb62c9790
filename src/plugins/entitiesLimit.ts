/**
 * Caps the number of federation representations one operation may send to
 * `_entities`. The list usually arrives as a variable, which token and depth
 * limits never see, so the count is taken once variables are known and
 * before anything executes: an oversized request makes no upstream call.
 */
import {
  Kind,
  type DocumentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { BadUserInputError } from '../errors.js';
import { listLength, variablesOf } from '../limits/argumentValues.js';
import { fragmentsOf } from '../limits/fragments.js';
import type { OperationCheck } from './operationChecks.js';

/** The contract's cap on the representations of one operation, all `_entities` fields together. */
export const MAX_REPRESENTATIONS = 100;

export const refuseTooManyRepresentations: OperationCheck = ({ operation, document, request }) => {
  if (!operation || operation.operation !== 'query') return;
  const count = countRepresentations(operation, document, request.variables ?? {});
  if (count > MAX_REPRESENTATIONS) {
    throw new BadUserInputError(
      `\`_entities\` takes at most ${MAX_REPRESENTATIONS} representations per operation (got ${count}).`,
      { status: 400 },
    );
  }
};

/** Representations across every `_entities` field at the operation's root, aliases included. */
function countRepresentations(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  given: Record<string, unknown>,
): number {
  const variables = variablesOf(operation, given);
  const fragments = fragmentsOf(document);
  // A fragment spread twice runs its fields once (graphql-js merges them), so
  // it counts once.
  const seen = new Set<string>();
  const count = (selectionSet: SelectionSetNode): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '_entities') continue;
        const argument = selection.arguments?.find((a) => a.name.value === 'representations');
        total += argument ? listLength(argument.value, variables) : 0;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += count(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        total += fragment ? count(fragment.selectionSet) : 0;
      }
    }
    return total;
  };
  return count(operation.selectionSet);
}
