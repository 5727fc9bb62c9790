/**
 * The micro-benchmarks' loop: each case once to warm up, then 9 rounds
 * taking the cases in turn, so that a slow moment of the machine falls on
 * every case alike; prints each case's median with its range.
 */
import { spread } from '../lib/stats.js';

/** Microseconds per call of `run`, over `times` calls in a row. */
export function microsEach(run: () => unknown, times: number): number {
  const started = performance.now();
  for (let i = 0; i < times; i++) run();
  return ((performance.now() - started) * 1000) / times;
}

/** `measure` returns microseconds per `unit` of one run of the case. */
export function printInterleaved<T>(
  cases: readonly (readonly [string, T])[],
  measure: (item: T) => number,
  unit: string,
  digits = 1,
): void {
  const samples = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  for (const [, item] of cases) measure(item);
  for (let round = 0; round < 9; round++) {
    for (const [name, item] of cases) samples.get(name)!.push(measure(item));
  }
  for (const [name, values] of samples) {
    const { median, min, max } = spread(values);
    const [m, lo, hi] = [median, min, max].map((v) => v.toFixed(digits));
    process.stdout.write(`${name}: ${m} µs per ${unit} (${lo}–${hi})\n`);
  }
}
