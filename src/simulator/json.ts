/**
 * A tiny JSON writer that can emit number literals with exactly the digits it
 * is given. The issuer prints ids and amounts as bare numbers (`"id":
 * 1234567890`, `"balance": 1234.50`); going through JS numbers would lose ids
 * beyond 2^53 and trailing zeros, so the simulator keeps them as text.
 */

const NUMBER_LITERAL = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** A JSON number written verbatim, e.g. `new RawNumber('100000000000000000.01')`. */
export class RawNumber {
  readonly text: string;

  constructor(text: string) {
    if (!NUMBER_LITERAL.test(text)) {
      throw new TypeError(`A JSON number literal was expected (got ${JSON.stringify(text)}).`);
    }
    this.text = text;
  }
}

/** Whether `text` can be written as a JSON number without changing a character. */
export function isNumberLiteral(text: string): boolean {
  return NUMBER_LITERAL.test(text);
}

/** Values the writer understands; `undefined` object members are left out. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | RawNumber
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

/** Serialises like `JSON.stringify` (compact), writing `RawNumber`s as they are. */
export function stringify(value: JsonValue): string {
  if (value === null) return 'null';
  if (value instanceof RawNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map((item: JsonValue) => stringify(item)).join(',')}]`;
  if (typeof value === 'object') {
    const members: string[] = [];
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${stringify(member)}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}
