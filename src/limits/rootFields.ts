import type { ValidationRule } from 'graphql';
import { NO_VARIABLES } from './argumentValues.js';
import { limitError } from './limitError.js';
import { rootFieldsOf } from './operationRoot.js';

/**
 * Refuses operations that ask for more than `max` root fields, counted as
 * execution runs them: one per response key, fragments included, so that
 * the same `customer(id: $id)` selected by several colocated fragments
 * counts once, as it is fetched once; each alias counts; `__typename` is
 * free. Every root field is at least one upstream call, so this caps the
 * fan-out of a single request. Validation runs before variables are known:
 * a field `@skip` or `@include` may leave out still counts.
 */
export function maxRootFieldsRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const fields = rootFieldsOf(operation, context.getDocument(), NO_VARIABLES).filter(
        (field) => field.name.value !== '__typename',
      ).length;
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
  });
}
