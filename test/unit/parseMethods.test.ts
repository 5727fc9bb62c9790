/**
 * The parse micro-benchmark's methods (bench/micro/parseMethods.ts): a method
 * it reports as exact must be, or its ratio to `JSON.parse` compares an
 * exact parse with one that is not.
 */
import { describe, expect, it } from 'vitest';
import { PARSE_METHODS } from '../../bench/micro/parseMethods.js';

const BODY = '{"id":100000000000000000001,"balance":-1234.50,"rate":1e-7,"items":[0,2.10]}';

describe("the parse micro-benchmark's methods", () => {
  it.each(PARSE_METHODS.filter((method) => method.exact).map((method) => [method.name, method]))(
    '%s keeps every number as its text',
    (_name, method) => {
      expect(method.parse(BODY)).toEqual({
        id: '100000000000000000001',
        balance: '-1234.50',
        rate: '1e-7',
        items: ['0', '2.10'],
      });
    },
  );

  it('holds JSON.parse, which is not exact, as the reference', () => {
    const [reference] = PARSE_METHODS;
    expect(reference).toMatchObject({ name: 'JSON.parse', exact: false });
    expect((reference!.parse(BODY) as { balance: unknown }).balance).toBe(-1234.5);
  });
});
