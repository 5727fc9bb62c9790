/**
 * What decoding one single-account record costs: `npx tsx
 * bench/micro/decodeAccount.ts` prints microseconds per record for the v4
 * record as the simulator serves it (the strict schema reads it), and for
 * the same record with one detail in a shape the gateway does not know (the
 * strict schema refuses it and the lenient one reads it), in interleaved
 * rounds. The first is what every account read by id pays.
 *
 * `--base <checkout>` times that checkout's decoder in the same rounds, on
 * the same records: an A/B of a change to decoding without two processes.
 * The checkout needs its `node_modules` (installed or linked) for zod.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { accountV4 } from '../../src/simulator/render.js';
import { createSimulatorData, FIXTURES } from '../../src/simulator/index.js';
import { decodeAccount, parseExactJson } from '../../src/upstream/decode.js';
import { microsEach, printInterleaved } from './interleaved.js';

type Decode = (body: unknown) => unknown;

const { values } = parseArgs({ options: { base: { type: 'string' } } });
const decoders: [string, Decode][] = [['', decodeAccount]];
if (values.base !== undefined) {
  const url = pathToFileURL(resolve(values.base, 'src/upstream/decode.ts')).href;
  const base = (await import(url)) as { decodeAccount?: unknown };
  if (typeof base.decodeAccount !== 'function') {
    throw new Error(`${values.base} has no decodeAccount in src/upstream/decode.ts.`);
  }
  decoders.push([' (base)', base.decodeAccount as Decode]);
}

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
  ].flatMap(([name, body]) =>
    decoders.map(([suffix, decode]) => [`${name}${suffix}`, { body, decode }] as const),
  ),
  ({ body, decode }) => microsEach(() => decode(body), 20_000),
  'record',
  2,
);
