/**
 * The most a document that makes no upstream call can cost: validating
 * fields of one name repeated, which graphql-js's overlap rule compares pair
 * by pair until its own work limit stops it ("Validation aborted."). `npx
 * tsx bench/micro/overlapValidation.ts` prints microseconds per document to
 * validate, against a customer page for scale, at the default `MAX_TOKENS`
 * (1000) and at its highest (20000), in interleaved rounds. Every document
 * is new (a comment changes), as Apollo's document cache would otherwise
 * answer a repeat.
 */
import { parse, validate } from 'graphql';
import { createSchema } from '../../src/schema.js';
import { createSimulatorData } from '../../src/simulator/index.js';
import { createShapes } from '../lib/shapes.js';
import { printInterleaved } from './interleaved.js';

const schema = createSchema();
const customerPage = createShapes(createSimulatorData(1)).find(
  (shape) => shape.name === 'customerPage',
)!.operations.gateway!.query;
// `parent { id }` is 4 tokens, `__typename` 1: each document just under its token limit.
const repeated = (field: string, copies: number) =>
  `{ account(id: "1000000104") { ${`${field} `.repeat(copies)} } }`;
let n = 0;

const perDocument = (query: string, maxTokens: number, times = 5): number => {
  const started = performance.now();
  for (let i = 0; i < times; i++) validate(schema, parse(`${query}\n# ${n++}`, { maxTokens }));
  return ((performance.now() - started) * 1000) / times;
};

printInterleaved<{ query: string; maxTokens: number }>(
  [
    ['customer page', { query: customerPage, maxTokens: 1000 }],
    [
      '240 × parent { id } (MAX_TOKENS 1000)',
      { query: repeated('parent { id }', 240), maxTokens: 1000 },
    ],
    ['990 × __typename (MAX_TOKENS 1000)', { query: repeated('__typename', 990), maxTokens: 1000 }],
    [
      '4900 × parent { id } (MAX_TOKENS 20000)',
      { query: repeated('parent { id }', 4900), maxTokens: 20000 },
    ],
    [
      '8000 × __typename (MAX_TOKENS 20000)',
      { query: repeated('__typename', 8000), maxTokens: 20000 },
    ],
  ],
  ({ query, maxTokens }) => perDocument(query, maxTokens),
  'document',
  0,
);
