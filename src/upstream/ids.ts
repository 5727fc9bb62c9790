/**
 * The one rule every id obeys before it goes anywhere near a URL: 1 to 32
 * ASCII digits. An allowlist, because encoding does not make a path segment
 * safe (`encodeURIComponent('..')` is still `..`).
 */
export const ID_PATTERN = /^[0-9]{1,32}$/;

export function isIssuerId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}
