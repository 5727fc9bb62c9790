/**
 * Ways to parse the issuer's JSON, for the parse micro-benchmark: plain
 * `JSON.parse` (the reference, not exact), lossless-json keeping every
 * number's text (the gateway's original method), and whatever
 * `parseExactJson` in src/upstream/decode.ts does now.
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

export const PARSE_METHODS: readonly ParseMethod[] = [
  { name: 'JSON.parse', exact: false, parse: (text) => JSON.parse(text) },
  {
    name: 'lossless-json',
    exact: true,
    parse: (text) => losslessParse(text, null, keepDigits),
  },
  { name: 'quote numbers + JSON.parse', exact: true, parse: parseJsonKeepingDigits },
  { name: 'parseExactJson', exact: true, parse: parseExactJson },
];
