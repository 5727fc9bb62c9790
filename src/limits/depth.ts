import type { ValidationRule } from 'graphql';
import { measuredLimitRule } from './measuredRule.js';

// Introspection has its own switch (INTROSPECTION); the standard introspection
// query alone is about 10 levels deep, so its root fields are not measured.
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/**
 * Refuses operations nested deeper than `max` field levels, counted through
 * named and inline fragments (a fragment does not reset the count).
 * `{ account(id: "1") { id } }` is 2 levels deep.
 */
export function maxDepthRule(max: number): ValidationRule {
  return measuredLimitRule(max, {
    code: 'MAX_DEPTH',
    // Both are valid only at the root of Query; anywhere else validation refuses them.
    field: (node, inner) => (INTROSPECTION_ROOTS.has(node.name.value) ? 0 : 1 + inner()),
    combine: Math.max,
    message: (depth, limit) =>
      `The operation is ${depth} levels deep; at most ${limit} are allowed.`,
  });
}
