/**
 * Refuses a variable sent as null where a non-null root field takes a
 * non-null list, or an item of it: `accounts(ids:)` and
 * `_entities(representations:)`. Validation lets a variable with a default
 * stand there; execution would refuse the null only as the field runs, and
 * the field being non-null, its error would null the whole answer after
 * the fields beside it had made their calls. Refused here, none are made.
 */
import { Kind, type ValueNode, type VariableNode } from 'graphql';
import { BadUserInputError } from '../errors.js';
import type { OperationCheck } from './operationChecks.js';

/** The schema's non-null root fields that take a list of non-null items, and that argument. */
const NON_NULL_LISTS = new Map([
  ['accounts', 'ids'],
  ['_entities', 'representations'],
]);

export const refuseNullArguments: OperationCheck = (checked) => {
  const sentNull = (value: ValueNode): value is VariableNode =>
    value.kind === Kind.VARIABLE && checked.given[value.name.value] === null;
  for (const field of checked.queryRootFields) {
    const name = NON_NULL_LISTS.get(field.name.value);
    const value = name && field.arguments?.find((a) => a.name.value === name)?.value;
    if (!value) continue;
    const items = value.kind === Kind.LIST ? value.values : [value];
    const variable = items.find(sentNull);
    if (!variable) continue;
    const where = value.kind === Kind.LIST ? `${name}[${items.indexOf(variable)}]` : name;
    throw new BadUserInputError(
      `\`${where}\` must not be null, and \`$${variable.name.value}\` was sent as null.`,
      { status: 400 },
      field,
    );
  }
};
