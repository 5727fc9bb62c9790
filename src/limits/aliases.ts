import type { OperationDefinitionNode, ValidationRule } from 'graphql';
import { createMeasurer } from './fragments.js';
import { limitError } from './limitError.js';

/**
 * Refuses operations with more than `max` aliased fields. A fragment counts
 * once for every place it is spread, because each spread runs its fields
 * again. `__typename` aliases count too: they cost no call, but 2000 of them
 * must still be refused whatever the token limit is set to.
 */
export function maxAliasesRule(max: number): ValidationRule {
  return (context) => {
    const measure = createMeasurer((name) => context.getFragment(name), {
      field: (node, inner) => (node.alias ? 1 : 0) + inner(),
      combine: (a, b) => a + b,
    });
    return {
      OperationDefinition(operation: OperationDefinitionNode) {
        const aliases = measure(operation.selectionSet);
        if (aliases > max) {
          context.reportError(
            limitError(
              `The operation has ${aliases} aliased fields; at most ${max} are allowed.`,
              'MAX_ALIASES',
              operation,
            ),
          );
        }
      },
    };
  };
}
