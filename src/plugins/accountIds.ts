/**
 * Checks the ids of `accounts(ids:)` once variables are known and before
 * anything executes. The field is non-null (the contract's `[Account]!`):
 * refused as it runs, its error would null the whole answer after the
 * fields beside it had made their calls. Refused here, the operation makes
 * none. The resolver checks them again (resolvers/args.ts).
 */
import { GraphQLID } from 'graphql';
import { BadUserInputError } from '../errors.js';
import { listItems } from '../limits/argumentValues.js';
import { parseIds } from '../resolvers/args.js';
import type { OperationCheck } from './operationChecks.js';

export const refuseUnusableAccountIds: OperationCheck = (operation) => {
  for (const field of operation.queryRootFields) {
    if (field.name.value !== 'accounts') continue;
    const argument = field.arguments?.find((a) => a.name.value === 'ids');
    if (!argument) continue;
    const ids = listItems(argument.value, operation.variables).map(asId);
    // Values that are no ID at all are for graphql-js to refuse as it coerces them.
    if (!ids.every((id) => id !== undefined)) continue;
    try {
      parseIds(ids);
    } catch (error) {
      if (!(error instanceof BadUserInputError)) throw error;
      // Located, so that of two aliased `accounts` the caller sees which.
      throw new BadUserInputError(error.message, { status: 400 }, field);
    }
  }
};

/** An item as graphql-js will coerce it to an ID (a whole number to its digits); undefined where it will refuse it. */
function asId(item: unknown): string | undefined {
  try {
    return GraphQLID.parseValue(item);
  } catch {
    return undefined;
  }
}
