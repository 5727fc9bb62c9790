import type { OperationDefinitionNode, ValidationRule } from 'graphql';
import { createMeasurer, type Measure } from './fragments.js';
import { limitError } from './limitError.js';

export interface MeasuredLimit extends Measure {
  /** The `validationErrorCode` of a refusal, e.g. `MAX_DEPTH`. */
  code: string;
  /** The refusal's message, given what was measured and the limit. */
  message: (measured: number, max: number) => string;
}

/** A validation rule that measures each operation (fragments included) and refuses it above `max`. */
export function measuredLimitRule(max: number, limit: MeasuredLimit): ValidationRule {
  return (context) => {
    const measure = createMeasurer((name) => context.getFragment(name), limit);
    return {
      OperationDefinition(operation: OperationDefinitionNode) {
        const measured = measure(operation.selectionSet);
        if (measured > max) {
          context.reportError(limitError(limit.message(measured, max), limit.code, operation));
        }
      },
    };
  };
}
