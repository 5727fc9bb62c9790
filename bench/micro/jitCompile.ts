/**
 * What a new document costs with `GRAPHQL_JIT=true` before it runs: `npx tsx
 * bench/micro/jitCompile.ts` prints, for each benchmark shape, microseconds
 * per document to parse and validate it (what graphql-js pays for a new
 * one) and to parse, validate and compile it (what graphql-jit adds), in
 * interleaved rounds. Every document is new (a comment changes), as a
 * client sending a different text each time would make it. This is why a
 * document is compiled only once it is sent again (`GRAPHQL_JIT_AFTER`).
 */
import { parse, validate } from 'graphql';
import { compileQuery } from 'graphql-jit';
import { createSchema } from '../../src/schema.js';
import { createSimulatorData } from '../../src/simulator/index.js';
import { createShapes } from '../lib/shapes.js';
import { printInterleaved } from './interleaved.js';

const schema = createSchema();
const shapes = createShapes(createSimulatorData(1)).filter((shape) => !shape.optIn);
let n = 0;

const perDocument = (query: string, compile: boolean, times = 40): number => {
  const started = performance.now();
  for (let i = 0; i < times; i++) {
    const document = parse(`${query}\n# ${n++}`);
    validate(schema, document);
    if (compile) compileQuery(schema, document);
  }
  return ((performance.now() - started) * 1000) / times;
};

printInterleaved<{ query: string; compile: boolean }>(
  shapes.flatMap((shape) => {
    const { query } = shape.operations.gateway!;
    return [
      [`${shape.name}: parse and validate`, { query, compile: false }],
      [`${shape.name}: parse, validate and compile`, { query, compile: true }],
    ] as [string, { query: string; compile: boolean }][];
  }),
  ({ query, compile }) => perDocument(query, compile),
  'document',
  0,
);
