import type { ValidationRule } from 'graphql';
import { measuredLimitRule } from './measuredRule.js';

/**
 * Refuses operations with more than `max` aliased fields. A fragment counts
 * once for every place it is spread, because each spread runs its fields
 * again. `__typename` aliases count too: they cost no call, but 2000 of them
 * must still be refused whatever the token limit is set to.
 */
export function maxAliasesRule(max: number): ValidationRule {
  return measuredLimitRule(max, {
    code: 'MAX_ALIASES',
    field: (node, inner) => (node.alias ? 1 : 0) + inner(),
    combine: (a, b) => a + b,
    message: (aliases, limit) =>
      `The operation has ${aliases} aliased fields; at most ${limit} are allowed.`,
  });
}
