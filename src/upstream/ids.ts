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
 * The issuer's ids are integers (`biginteger`), so `007` and `7` name one
 * record: without its leading zeros an id keys the loaders, the URL and the
 * authorization checks alike, and one request never fetches it twice.
 */
export function canonicalId(id: string): string {
  return id.length > 1 && id.startsWith('0') ? id.replace(/^0+(?=\d)/, '') : id;
}

/** The same id, whether or not one of them is written with leading zeros. */
export function sameIssuerId(a: string, b: string): boolean {
  return canonicalId(a) === canonicalId(b);
}

/**
 * An id from parsed JSON (a token claim, a federation representation): a
 * digit string (canonical), or a JSON number only while it is a safe integer,
 * because past 2^53 its digits were lost in parsing. Anything else: undefined.
 */
export function idFromJson(value: unknown): string | undefined {
  if (isIssuerId(value)) return canonicalId(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}
