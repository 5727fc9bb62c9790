import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DECIMAL_PATTERN } from '../domain/decimal.js';
import { BadUserInputError } from '../errors.js';

/**
 * Exact decimals as JSON strings. Output is the issuer's text unchanged.
 * A variable is taken only as a string, because a JSON number has already
 * been through binary floating point by the time it gets here; a literal in
 * the query may be a number too, since graphql-js hands over its source text.
 */
export const Decimal = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  serialize(value) {
    if (typeof value === 'string' && DECIMAL_PATTERN.test(value)) return value;
    throw new GraphQLError('Decimal cannot represent a value that is not a decimal string.');
  },
  parseValue(value) {
    if (typeof value === 'string' && DECIMAL_PATTERN.test(value)) return value;
    throw new BadUserInputError('A Decimal must be sent as a string of digits, e.g. "1234.50".');
  },
  parseLiteral(node) {
    if (
      (node.kind === Kind.STRING || node.kind === Kind.FLOAT || node.kind === Kind.INT) &&
      DECIMAL_PATTERN.test(node.value)
    ) {
      return node.value;
    }
    throw new BadUserInputError('A Decimal must be a decimal number, e.g. "1234.50".');
  },
});
