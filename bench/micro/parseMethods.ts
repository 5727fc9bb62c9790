/**
 * Ways to parse the issuer's JSON, for the parse micro-benchmark: plain
 * `JSON.parse` (the reference, not exact), lossless-json keeping every
 * number's text (the gateway's original method), `JSON.parse` with a
 * reviver that keeps each number's source text where the runtime hands it
 * over (Node.js 22 and later), and whatever `parseExactJson` in
 * src/upstream/decode.ts does now.
 */
import { parse as losslessParse } from 'lossless-json';
import { parseExactJson } from '../../src/upstream/decode.js';
import { parseJsonKeepingDigits } from '../../src/upstream/exactJson.js';

export interface ParseMethod {
  name: string;
  /** Whether every number comes back as exactly the text that was sent. */
  exact: boolean;
  parse: (text: string) => unknown;
}

const keepDigits = (digits: string) => digits;

/** A number's text as sent, from TC39's JSON.parse source text access. */
const sourceOfNumbers = (_key: string, value: unknown, context?: { source?: string }) =>
  typeof value === 'number' ? context?.source : value;

const hasSourceText = (() => {
  const [probe] = JSON.parse('[1.50]', sourceOfNumbers) as unknown[];
  return probe === '1.50';
})();

export const PARSE_METHODS: readonly ParseMethod[] = [
  { name: 'JSON.parse', exact: false, parse: (text) => JSON.parse(text) },
  {
    name: 'lossless-json',
    exact: true,
    parse: (text) => losslessParse(text, null, keepDigits),
  },
  ...(hasSourceText
    ? [
        {
          name: 'JSON.parse, reviver with source text',
          exact: true,
          parse: (text: string) => JSON.parse(text, sourceOfNumbers) as unknown,
        },
      ]
    : []),
  { name: 'quote numbers + JSON.parse', exact: true, parse: parseJsonKeepingDigits },
  { name: 'parseExactJson', exact: true, parse: parseExactJson },
];
