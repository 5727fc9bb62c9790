/**
 * What a new document costs with `GRAPHQL_JIT=true` before it runs: `npx tsx
 * bench/micro/jitCompile.ts` prints, for each benchmark shape, microseconds
 * per document to parse and validate it (what graphql-js pays for a new
 * one) and to parse, validate and compile it (what graphql-jit adds), in
 * interleaved rounds. Every document is new (a comment changes), as a
 * client sending a different text each time would make it. This is why a
 * document is compiled only once it is sent again (`GRAPHQL_JIT_AFTER`).
 *
 * With `node --expose-gc` (`npx tsx --expose-gc bench/micro/jitCompile.ts`)
 * it also prints the heap a compiled query keeps, per shape and against the
 * length of its text: what `jitGateway`'s bound on compiled queries, counted
 * in characters of text, stands for.
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

const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  for (const shape of shapes) {
    const { query } = shape.operations.gateway!;
    const kept: unknown[] = [];
    gc();
    const before = process.memoryUsage().heapUsed;
    const count = 200;
    let chars = 0;
    for (let i = 0; i < count; i++) {
      const text = `${query}\n# ${n++}`;
      chars += text.length;
      kept.push(compileQuery(schema, parse(text)));
    }
    gc();
    const bytes = (process.memoryUsage().heapUsed - before) / count;
    process.stdout.write(
      `${shape.name}: ${(bytes / 1024).toFixed(1)} KB kept per compiled query, ${(bytes / (chars / count)).toFixed(0)} times its ${(chars / count).toFixed(0)} characters\n`,
    );
    kept.length = 0;
  }
}
