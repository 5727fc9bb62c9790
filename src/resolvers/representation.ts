import { BadUserInputError } from '../errors.js';
import { idFromJson } from '../upstream/ids.js';

/**
 * The `id` of a federation representation as a digit string. `_Any` arrives
 * as parsed JSON, so an id sent as a number is taken only while it is a safe
 * integer.
 */
export function representationId(reference: { id?: unknown }): string {
  const id = idFromJson(reference.id);
  if (id !== undefined) return id;
  throw new BadUserInputError(
    'A representation `id` must be a string of 1 to 32 decimal digits (or a safe integer).',
  );
}
