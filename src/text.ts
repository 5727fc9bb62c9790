/**
 * Text that leaves the gateway (answers, log lines, spans) kept to a bounded
 * length: a caller decides how long a literal or a name is.
 */

/** `text` cut at `max` characters and marked with `…`; never between the halves of a surrogate pair. */
export function truncated(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return `${text.slice(0, cut)}…`;
}
