import type { ValidationRule } from 'graphql';
import { limitError } from './limitError.js';

/** Refuses documents with more than `max` directives in all. */
export function maxDirectivesRule(max: number): ValidationRule {
  return (context) => {
    let count = 0;
    return {
      Directive(node) {
        count++;
        // Reported once, at the first directive over the limit.
        if (count === max + 1) {
          context.reportError(
            limitError(
              `The document has more than ${max} directives; at most ${max} are allowed.`,
              'MAX_DIRECTIVES',
              node,
            ),
          );
        }
      },
    };
  };
}
