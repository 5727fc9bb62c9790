/**
 * The parse micro-benchmark as a child process (pinned like a contender):
 * real issuer bodies rendered by the simulator, each method timed in
 * interleaved rounds, reported as the median ratio to `JSON.parse`.
 */
import { createSimulatorData, FIXTURES } from '../../src/simulator/index.js';
import { accountSummaryV4, accountV4, customerV3, jsonArray } from '../../src/simulator/render.js';
import { runChild } from '../lib/contenderProcess.js';
import { seededRandom, shuffled, spread, type Spread } from '../lib/stats.js';
import { PARSE_METHODS } from './parseMethods.js';

export interface ParseResult {
  payload: string;
  bytes: number;
  method: string;
  exact: boolean;
  microsPerParse: Spread;
  vsJsonParse: Spread;
}

function payloads(): { name: string; text: string }[] {
  const data = createSimulatorData(1);
  const account = data.account(FIXTURES.accountExactAmounts)!;
  const customer = data.customer(FIXTURES.corporateCustomer)!;
  const page = (size: number) =>
    jsonArray(data.accountsOf(FIXTURES.customerWith250).slice(0, size).map(accountSummaryV4));
  return [
    { name: 'account (GET /account/v4/{id})', text: accountV4(account) },
    { name: 'customer (GET /customer/v3/{id})', text: customerV3(customer) },
    { name: 'page of 31 accounts', text: page(31) },
    { name: 'page of 100 accounts', text: page(100) },
  ];
}

/** Microseconds per parse over a batch long enough to time (~`ms`). */
function time(parse: (text: string) => unknown, text: string, ms: number): number {
  let iterations = 0;
  let sink = 0;
  const started = performance.now();
  let elapsed: number;
  do {
    for (let i = 0; i < 50; i++) sink ^= parse(text) === null ? 1 : 0;
    iterations += 50;
    elapsed = performance.now() - started;
  } while (elapsed < ms);
  if (sink === 42) process.stderr.write('');
  return (elapsed * 1000) / iterations;
}

export function runParseRounds(rounds = 9, ms = 40): ParseResult[] {
  const random = seededRandom(7);
  const results: ParseResult[] = [];
  for (const payload of payloads()) {
    const samples = new Map<string, number[]>(PARSE_METHODS.map((m) => [m.name, []]));
    for (const method of PARSE_METHODS) time(method.parse, payload.text, ms); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const method of shuffled(PARSE_METHODS, random)) {
        samples.get(method.name)!.push(time(method.parse, payload.text, ms));
      }
    }
    const reference = samples.get('JSON.parse')!;
    for (const method of PARSE_METHODS) {
      const own = samples.get(method.name)!;
      results.push({
        payload: payload.name,
        bytes: Buffer.byteLength(payload.text),
        method: method.name,
        exact: method.exact,
        microsPerParse: spread(own),
        vsJsonParse: spread(own.map((value, i) => value / reference[i]!)),
      });
    }
  }
  return results;
}

runChild(async () => ({
  url: '',
  calls: { run: ({ rounds, ms }: { rounds: number; ms: number }) => runParseRounds(rounds, ms) },
  close: async () => undefined,
}));
