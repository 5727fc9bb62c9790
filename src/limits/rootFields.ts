import type { OperationDefinitionNode, ValidationRule } from 'graphql';
import { createMeasurer } from './fragments.js';
import { limitError } from './limitError.js';

/**
 * Refuses operations that ask for more than `max` root fields, each aliased
 * use counted, fragments included; `__typename` is free. Every root field is
 * at least one upstream call, so this caps the fan-out of a single request.
 */
export function maxRootFieldsRule(max: number): ValidationRule {
  return (context) => {
    const measure = createMeasurer((name) => context.getFragment(name), {
      // Only the root level counts: a field's own selection is not walked.
      field: (node) => (node.name.value === '__typename' ? 0 : 1),
      combine: (a, b) => a + b,
    });
    return {
      OperationDefinition(operation: OperationDefinitionNode) {
        const fields = measure(operation.selectionSet);
        if (fields > max) {
          context.reportError(
            limitError(
              `The operation asks for ${fields} root fields; at most ${max} are allowed.`,
              'MAX_ROOT_FIELDS',
              operation,
            ),
          );
        }
      },
    };
  };
}
