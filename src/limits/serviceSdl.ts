import type { ValidationRule } from 'graphql';
import { limitError } from './limitError.js';

/**
 * Refuses `{ _service { sdl } }` while introspection is off: the federation
 * field returns the whole schema, so it is introspection by another name.
 * Apollo Server's own NoIntrospection rule covers `__schema` and `__type` only.
 */
export const noServiceSdlRule: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value !== '_service') return;
    if (context.getParentType() !== context.getSchema().getQueryType()) return;
    context.reportError(
      limitError(
        'The `_service` field is not allowed while introspection is disabled.',
        'INTROSPECTION_DISABLED',
        node,
      ),
    );
  },
});
