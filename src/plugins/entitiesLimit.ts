/**
 * Caps the number of federation representations one operation may send to
 * `_entities`. The list usually arrives as a variable, which token and depth
 * limits never see, so the count is taken once variables are known and
 * before anything executes: an oversized request makes no upstream call.
 */
import { BadUserInputError } from '../errors.js';
import { listLength } from '../limits/argumentValues.js';
import type { OperationCheck } from './operationChecks.js';

/** The contract's cap on the representations of one operation, all `_entities` fields together. */
export const MAX_REPRESENTATIONS = 100;

export const refuseTooManyRepresentations: OperationCheck = (checked) => {
  let count = 0;
  for (const field of checked.queryRootFields) {
    if (field.name.value !== '_entities') continue;
    const argument = field.arguments?.find((a) => a.name.value === 'representations');
    count += argument ? listLength(argument.value, checked.variables) : 0;
  }
  if (count > MAX_REPRESENTATIONS) {
    throw new BadUserInputError(
      `\`_entities\` takes at most ${MAX_REPRESENTATIONS} representations per operation (got ${count}).`,
      { status: 400 },
    );
  }
};
