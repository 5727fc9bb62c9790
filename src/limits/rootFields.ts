import type { ValidationRule } from 'graphql';
import { measuredLimitRule } from './measuredRule.js';

/**
 * Refuses operations that ask for more than `max` root fields, each aliased
 * use counted, fragments included; `__typename` is free. Every root field is
 * at least one upstream call, so this caps the fan-out of a single request.
 */
export function maxRootFieldsRule(max: number): ValidationRule {
  return measuredLimitRule(max, {
    code: 'MAX_ROOT_FIELDS',
    // Only the root level counts: a field's own selection is not walked.
    field: (node) => (node.name.value === '__typename' ? 0 : 1),
    combine: (a, b) => a + b,
    message: (fields, limit) =>
      `The operation asks for ${fields} root fields; at most ${limit} are allowed.`,
  });
}
