import type { OperationDefinitionNode, ValidationRule } from 'graphql';
import { createMeasurer } from './fragments.js';
import { limitError } from './limitError.js';

/**
 * Refuses operations with more than `max` aliased fields. A fragment counts
 * once for every place it is spread, because each spread runs its fields
 * again; `__typename` is free.
 */
export function maxAliasesRule(max: number): ValidationRule {
  return (context) => {
    const measure = createMeasurer((name) => context.getFragment(name), {
      field: (node, inner) => (node.alias && node.name.value !== '__typename' ? 1 : 0) + inner(),
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
