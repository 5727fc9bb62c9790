import { describe, expect, it } from 'vitest';
import type { CellResult } from '../../bench/lib/measure.js';
import { evaluateTargets, type RunReport } from '../../bench/lib/report.js';
import type { Shape } from '../../bench/lib/shapes.js';
import { summarize } from '../../bench/lib/summarize.js';

const shapes = [{ name: 'customerPage' }, { name: 'entities' }] as Shape[];

function cell(contender: string, shape: string, round: number, perSecond: number): CellResult {
  return {
    round,
    contender,
    shape,
    requests: [{ ms: 5, addedMs: 2, ok: true }],
    latencyErrors: 0,
    throughput: { perSecond, completed: perSecond, errors: 0, p50Ms: 5, p99Ms: 9 },
    cpuMicrosPerRequest: 1e6 / perSecond,
    allocatedBytesPerRequest: NaN,
    promotedBytesPerRequest: NaN,
    gcMicrosPerRequest: NaN,
    rss: 1e8,
    heapUsed: 1e7,
    loopDelayP99Ms: 1,
  };
}

function report(cells: CellResult[]): RunReport {
  return {
    shapes,
    cells,
    summaries: summarize(cells, shapes),
    openLoop: { results: [], summaries: [] },
    exactCost: [],
    totals: [],
    parse: [],
  } as unknown as RunReport;
}

describe("the benchmark report's noise rows (raw-twin ÷ raw)", () => {
  it('give the range of the shape medians and of single rounds', () => {
    // Rounds of raw-twin ÷ raw: customer page 0.9, 1.0, 1.2 (median 1.0);
    // _entities 0.8, 0.8, 1.1 (median 0.8).
    const twin = { customerPage: [900, 1000, 1200], entities: [80, 80, 110] };
    const cells = [0, 1, 2].flatMap((round) => [
      cell('raw', 'customerPage', round, 1000),
      cell('raw-twin', 'customerPage', round, twin.customerPage[round]!),
      cell('raw', 'entities', round, 100),
      cell('raw-twin', 'entities', round, twin.entities[round]!),
    ]);
    const rows = evaluateTargets(report(cells), null).filter((r) => r.target.startsWith('Noise'));
    expect(rows.map((r) => [r.target, r.measured, r.met])).toEqual([
      [
        'Noise (A/A): throughput, raw-twin ÷ raw',
        'shapes 0.80 to 1.00; single rounds 0.80 to 1.20',
        null,
      ],
      [
        'Noise (A/A): CPU per request, raw-twin ÷ raw',
        'shapes 1.00 to 1.25; single rounds 0.83 to 1.25',
        null,
      ],
    ]);
  });

  it('are left out when the run has no twin', () => {
    const cells = [0, 1].map((round) => cell('raw', 'customerPage', round, 1000));
    const rows = evaluateTargets(report(cells), null);
    expect(rows.some((r) => r.target.startsWith('Noise'))).toBe(false);
  });
});
