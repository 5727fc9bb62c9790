/**
 * Caps the number of federation representations one operation may send to
 * `_entities`. The list usually arrives as a variable, which token and depth
 * limits never see, so the count is taken once variables are known and
 * before anything executes: an oversized request makes no upstream call.
 */
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { BadUserInputError } from '../errors.js';
import { listLength, variablesOf } from '../limits/argumentValues.js';
import { rootFieldsOf } from '../limits/operationRoot.js';
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
  let total = 0;
  for (const field of rootFieldsOf(operation, document, variables)) {
    if (field.name.value !== '_entities') continue;
    const argument = field.arguments?.find((a) => a.name.value === 'representations');
    total += argument ? listLength(argument.value, variables) : 0;
  }
  return total;
}
