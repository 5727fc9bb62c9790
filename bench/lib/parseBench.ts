/** Runs the parse micro-benchmark in its own (pinned) process. */
import type { ParseResult } from '../micro/parseBench.js';
import { startChild } from './children.js';
import type { BenchOptions } from './options.js';

export type { ParseResult };

export async function runParseBench(options: BenchOptions): Promise<ParseResult[]> {
  const child = await startChild({
    name: 'parse',
    entry: 'micro/parseBench.ts',
    cpus: options.pin ? '1' : undefined,
  });
  try {
    return await child.call<ParseResult[]>('run', { rounds: 9, ms: 40 });
  } finally {
    await child.stop();
  }
}
