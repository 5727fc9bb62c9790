/**
 * The first value of a header as Node and undici hand headers over: a
 * string, or an array when the header was repeated.
 */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
