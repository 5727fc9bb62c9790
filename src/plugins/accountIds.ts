/**
 * Checks the ids of `accounts(ids:)` once variables are known and before
 * anything executes. The field is non-null (the contract's `[Account]!`):
 * refused as it runs, its error would null the whole answer after the
 * fields beside it had made their calls. Refused here, the operation makes
 * none. The resolver checks them again (resolvers/args.ts).
 */
import { BadUserInputError } from '../errors.js';
import { listItems } from '../limits/argumentValues.js';
import { parseIds } from '../resolvers/args.js';
import { queryRootOf, type OperationCheck } from './operationChecks.js';

export const refuseUnusableAccountIds: OperationCheck = (request) => {
  const root = queryRootOf(request);
  if (!root) return;
  for (const field of root.fields) {
    if (field.name.value !== 'accounts') continue;
    const argument = field.arguments?.find((a) => a.name.value === 'ids');
    if (!argument) continue;
    // A number is an ID graphql-js turns into its digits; values that are no
    // ID at all (objects, booleans, null) are for it to refuse as it coerces.
    const ids = listItems(argument.value, root.variables).map((id) =>
      typeof id === 'number' ? String(id) : id,
    );
    if (!ids.every((id) => typeof id === 'string')) continue;
    try {
      parseIds(ids);
    } catch (error) {
      if (!(error instanceof BadUserInputError)) throw error;
      // Located, so that of two aliased `accounts` the caller sees which.
      throw new BadUserInputError(error.message, { status: 400 }, field);
    }
  }
};
