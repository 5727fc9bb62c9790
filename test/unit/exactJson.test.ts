import fc from 'fast-check';
import { parse as parseLossless } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { parseJsonKeepingDigits } from '../../src/upstream/exactJson.js';

const keepDigits = (digits: string) => digits;
const reference = (text: string) => parseLossless(text, null, keepDigits);

// Number literals as an issuer might write them: big ids, amounts with
// trailing zeros, negatives, exponents.
const numberLiteral = fc.oneof(
  fc.stringMatching(/^-?(0|[1-9][0-9]{0,39})$/),
  fc.stringMatching(/^-?(0|[1-9][0-9]{0,20})\.[0-9]{1,12}$/),
  fc.stringMatching(/^-?[1-9](\.[0-9]{1,5})?[eE][+-]?[0-9]{1,3}$/),
);
// Strings that look like numbers in JSON context, to hit the slow path.
const trickyString = fc.oneof(
  fc.string(),
  fc.constantFrom('Street 1, 2', 'a: 1}', 'x,[3]', '[1, 2]', ', -0.50}', 'tab\t,\t7]', '\\", 5]'),
  fc.stringMatching(/^[ ,:[\]{}0-9.eE+-]{0,12}$/),
);

interface JsonTree {
  text: string;
}

// JSON text built by hand so numbers keep their literal form.
const { value: jsonText } = fc.letrec<{ value: JsonTree }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberLiteral.map((n) => ({ text: n })),
    trickyString.map((s) => ({ text: JSON.stringify(s) })),
    fc.constantFrom({ text: 'true' }, { text: 'false' }, { text: 'null' }),
    fc
      .array(fc.tuple(tie('value'), fc.constantFrom('', ' ', '\n  ')), { maxLength: 5 })
      .map((items) => ({ text: `[${items.map(([v, ws]) => `${ws}${v.text}${ws}`).join(',')}]` })),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 5 }).map((entries) => ({
      text: `{${Object.entries(entries)
        .map(([k, v]) => `${JSON.stringify(k)} : ${v.text}`)
        .join(',')}}`,
    })),
  ),
}));

describe('parseJsonKeepingDigits', () => {
  it('gives exactly what lossless-json gives, numbers as their source text', () => {
    fc.assert(
      fc.property(jsonText, ({ text }) => {
        expect(parseJsonKeepingDigits(text)).toEqual(reference(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps ids beyond 2^64 and amounts with trailing zeros byte-exact', () => {
    const body =
      '[{"id":98765432109876543210,"balance":1234.50,"available":0.10,"creditLimit":100000000000000000.01,"count":5,"reset":true,"city":"Street 1, 2"}]';
    expect(parseJsonKeepingDigits(body)).toEqual([
      {
        id: '98765432109876543210',
        balance: '1234.50',
        available: '0.10',
        creditLimit: '100000000000000000.01',
        count: '5',
        reset: true,
        city: 'Street 1, 2',
      },
    ]);
  });

  it('gives back the text of any number literal, however written', () => {
    const literal = fc.oneof(
      numberLiteral,
      fc.stringMatching(/^-?0\.0{4,8}[1-9][0-9]{0,3}$/),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.constantFrom('-0', '0', '-0.0', '9007199254740993', '0.1', '100', '1E+2'),
    );
    fc.assert(
      fc.property(literal, fc.constantFrom('[', '{"n":'), (text, open) => {
        const close = open === '[' ? ']' : '}';
        expect(parseJsonKeepingDigits(`${open}${text}${close}`)).toEqual(
          open === '[' ? [text] : { n: text },
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a bare top-level number as text', () => {
    expect(parseJsonKeepingDigits(' 12345678901234567890.10 ')).toBe('12345678901234567890.10');
  });

  it.each([
    ['the fast path', '{"__proto__": {"polluted": 1}, "id": 7}'],
    // A number-like run inside a string sends it to lossless-json.
    ['the fallback', '{"__proto__": {"polluted": 1}, "note": "[1]", "id": 7}'],
  ])('keeps a "__proto__" key an own property on %s, the prototype untouched', (_, text) => {
    const parsed = parseJsonKeepingDigits(text) as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(parsed.polluted).toBeUndefined();
    expect(parsed.id).toBe('7');
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
  });

  it('refuses whatever lossless-json refuses, cut anywhere', () => {
    fc.assert(
      fc.property(jsonText, fc.nat(), ({ text }, at) => {
        const cut = text.slice(0, at % (text.length + 1));
        let expected: unknown;
        let refused = false;
        try {
          expected = reference(cut);
        } catch {
          refused = true;
        }
        if (refused) expect(() => parseJsonKeepingDigits(cut)).toThrow();
        else expect(parseJsonKeepingDigits(cut)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it.each(['[01]', '[1.]', '[.5]', '[+1]', '[1 2]', '{"a":-}', '[1e]', '{"a":1,}', '[NaN]'])(
    'refuses the malformed number in %s',
    (text) => {
      expect(() => parseJsonKeepingDigits(text)).toThrow();
    },
  );
});
