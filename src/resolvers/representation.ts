import { BadUserInputError } from '../errors.js';

/**
 * The `id` of a federation representation as a digit string. `_Any` arrives as
 * parsed JSON, so an id sent as a number has already lost any digits past
 * 2^53: only safe integers are taken.
 */
export function representationId(reference: { id?: unknown }): string {
  const { id } = reference;
  if (typeof id === 'string') return id;
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return String(id);
  throw new BadUserInputError(
    'A representation `id` must be a string of 1 to 32 decimal digits (or a safe integer).',
  );
}
