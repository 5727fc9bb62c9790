/**
 * The one rule every id obeys before it goes anywhere near a URL: 1 to 32
 * ASCII digits. An allowlist, because encoding does not make a path segment
 * safe (`encodeURIComponent('..')` is still `..`).
 */
const ID_PATTERN = /^[0-9]{1,32}$/;

export function isIssuerId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/**
 * An id from parsed JSON (a token claim, a federation representation): a
 * digit string as given, or a JSON number only while it is a safe integer,
 * because past 2^53 its digits were lost in parsing. Anything else: undefined.
 */
export function idFromJson(value: unknown): string | undefined {
  if (isIssuerId(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}
