/**
 * What decoding one single-account record costs: `npx tsx
 * bench/micro/decodeAccount.ts` prints microseconds per record for the v4
 * record as the simulator serves it (the strict schema reads it), and for
 * the same record with one detail in a shape the gateway does not know (the
 * strict schema refuses it and the lenient one reads it), in interleaved
 * rounds. The first is what every account read by id pays.
 */
import { accountV4 } from '../../src/simulator/render.js';
import { createSimulatorData, FIXTURES } from '../../src/simulator/index.js';
import { decodeAccount, parseExactJson } from '../../src/upstream/decode.js';
import { microsEach, printInterleaved } from './interleaved.js';

const data = createSimulatorData();
const text = accountV4(data.account(FIXTURES.accountTopLevel)!);
const record = parseExactJson(text);
const odd = parseExactJson(text.replace(/"address":\{[^}]*\}/, '"address":""'));
if (odd === record || JSON.stringify(odd) === JSON.stringify(record)) {
  throw new Error('The record has no address to make odd.');
}

printInterleaved(
  [
    ['a v4 record', record],
    ['a v4 record with an odd address', odd],
  ],
  (body) => microsEach(() => decodeAccount(body), 20_000),
  'record',
  2,
);
