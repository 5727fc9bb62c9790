/**
 * Refuses ID variables sent as JSON numbers that are not safe integers.
 * Beyond 2^53 JSON.parse has already rounded them (9007199254740993 arrives
 * as ...992), and graphql-js would turn the rounded number into a
 * different, valid-looking id; a fraction is no id at all.
 */
import { Kind, type TypeNode } from 'graphql';
import { BadUserInputError } from '../errors.js';
import type { OperationCheck } from './operationChecks.js';

export const refuseInexactIds: OperationCheck = ({ definition, given }) => {
  for (const variable of definition.variableDefinitions ?? []) {
    const name = variable.variable.name.value;
    if (hasUnsafeId(variable.type, given[name])) {
      throw new BadUserInputError(
        `Variable "$${name}" holds an id sent as a JSON number that is not a whole number below 2^53 (beyond it, its digits are already lost); send ids as strings.`,
        { status: 400 },
      );
    }
  }
};

/**
 * Looks into lists only as deep as the type nests them: a value nested deeper
 * is graphql-js's to refuse, and following it would let a few kilobytes of
 * brackets overflow the stack.
 */
function hasUnsafeId(type: TypeNode, value: unknown): boolean {
  switch (type.kind) {
    case Kind.NON_NULL_TYPE:
      return hasUnsafeId(type.type, value);
    case Kind.LIST_TYPE:
      // A single value for a list type stands for a list of one.
      return Array.isArray(value)
        ? value.some((item) => hasUnsafeId(type.type, item))
        : hasUnsafeId(type.type, value);
    case Kind.NAMED_TYPE:
      return type.name.value === 'ID' && typeof value === 'number' && !Number.isSafeInteger(value);
  }
}
