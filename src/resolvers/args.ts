/**
 * Argument checks that run before any upstream call. Messages say what was
 * expected; they quote the value only when it is short and printable.
 */
import { BadUserInputError } from '../errors.js';
import { canonicalId, isIssuerId } from '../upstream/ids.js';

// Shared with the result-size limit, which sizes lists before they run.
export const MAX_IDS = 100;
export const MAX_FIRST = 100;
/** The schema's default for `first` (schema/customer.graphql). */
export const DEFAULT_FIRST = 30;

/** The id, without leading zeros (see canonicalId), or BAD_USER_INPUT. */
export function parseId(value: string, argument = 'id'): string {
  if (isIssuerId(value)) return canonicalId(value);
  throw new BadUserInputError(`\`${argument}\` must be 1 to 32 decimal digits${quote(value)}.`);
}

export function parseIds(values: readonly string[], argument = 'ids'): string[] {
  if (values.length > MAX_IDS) {
    throw new BadUserInputError(
      `\`${argument}\` takes at most ${MAX_IDS} ids (got ${values.length}).`,
    );
  }
  return values.map((value, index) => parseId(value, `${argument}[${index}]`));
}

/** `first` left out takes the schema default; an explicit null is refused. */
export function parseFirst(value: number | null | undefined): number {
  const first = value === undefined ? DEFAULT_FIRST : value;
  if (first !== null && Number.isInteger(first) && first >= 1 && first <= MAX_FIRST) return first;
  throw new BadUserInputError(
    `\`first\` must be between 1 and ${MAX_FIRST} (got ${String(first)}).`,
  );
}

function quote(value: string): string {
  return value.length <= 40 && /^[\x20-\x7e]*$/.test(value)
    ? ` (got ${JSON.stringify(value)})`
    : '';
}
