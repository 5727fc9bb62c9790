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
import type { OperationCheck } from './operationChecks.js';

export const refuseUnusableAccountIds: OperationCheck = (checked) => {
  for (const field of checked.queryRootFields) {
    if (field.name.value !== 'accounts') continue;
    const argument = field.arguments?.find((a) => a.name.value === 'ids');
    if (!argument) continue;
    const ids = asIds(listItems(argument.value, checked.variables));
    if (ids === undefined) continue;
    try {
      parseIds(ids);
    } catch (error) {
      if (!(error instanceof BadUserInputError)) throw error;
      // Located, so that of two aliased `accounts` the caller sees which.
      throw new BadUserInputError(error.message, { status: 400 }, field);
    }
  }
};

/**
 * The items as graphql-js will coerce them to IDs: a string as it is, a
 * whole number as its digits (refuseInexactIds has refused unsafe ones).
 * Undefined when one is no ID at all, for graphql-js to refuse as it coerces.
 */
function asIds(items: readonly unknown[]): string[] | undefined {
  const ids: string[] = [];
  for (const item of items) {
    if (typeof item === 'string') ids.push(item);
    else if (Number.isInteger(item)) ids.push(String(item));
    else return undefined;
  }
  return ids;
}
