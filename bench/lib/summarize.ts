/** Turns the cells of all rounds into medians, spreads and ratios against the raw baseline. */
import type { ProcessStats } from './contenderProcess.js';
import type { CellResult } from './measure.js';
import type { Shape } from './shapes.js';
import { percentile, spread, type Spread } from './stats.js';

export interface CellSummary {
  contender: string;
  shape: string;
  rounds: number;
  throughput: Spread;
  /** This contender's req/s ÷ raw's, paired by round. */
  throughputVsRaw: Spread | null;
  cpuMicrosPerRequest: Spread;
  cpuVsRaw: Spread | null;
  /** V8 heap bytes allocated per request under load, garbage included. */
  allocatedBytesPerRequest: Spread;
  /** Bytes promoted to the old generation per request under load. */
  promotedBytesPerRequest: Spread;
  /** Garbage-collection microseconds per request under load. */
  gcMicrosPerRequest: Spread;
  /** Added latency over the upstream critical path, one request at a time, pooled over rounds (ms). */
  added: { p50: number; p99: number };
  addedVsRaw: { p50: number; p99: number } | null;
  latency: { p50: number; p99: number };
  /** Failed or wrong answers, both passes, all rounds. */
  errors: number;
  rssMax: number;
  heapUsed: Spread;
}

export interface ContenderTotals {
  name: string;
  final: ProcessStats;
  afterGc: ProcessStats;
}

export function summarize(cells: readonly CellResult[], shapes: readonly Shape[]): CellSummary[] {
  const summaries: CellSummary[] = [];
  const byKey = new Map<string, CellResult[]>();
  for (const cell of cells) {
    const key = `${cell.shape}\u0000${cell.contender}`;
    byKey.set(key, [...(byKey.get(key) ?? []), cell]);
  }
  for (const shape of shapes) {
    const raw = byKey.get(`${shape.name}\u0000raw`) ?? [];
    for (const [key, list] of byKey) {
      const [shapeName, contender] = key.split('\u0000') as [string, string];
      if (shapeName !== shape.name) continue;
      const requests = list.flatMap((cell) => cell.requests);
      const added = pooled(requests.map((r) => r.addedMs));
      const rawAdded = pooled(raw.flatMap((cell) => cell.requests).map((r) => r.addedMs));
      summaries.push({
        contender,
        shape: shape.name,
        rounds: list.length,
        throughput: spread(list.map((cell) => cell.throughput.perSecond)),
        throughputVsRaw: paired(list, raw, (cell) => cell.throughput.perSecond),
        cpuMicrosPerRequest: spread(list.map((cell) => cell.cpuMicrosPerRequest)),
        cpuVsRaw: paired(list, raw, (cell) => cell.cpuMicrosPerRequest),
        allocatedBytesPerRequest: spread(list.map((cell) => cell.allocatedBytesPerRequest)),
        promotedBytesPerRequest: spread(list.map((cell) => cell.promotedBytesPerRequest)),
        gcMicrosPerRequest: spread(list.map((cell) => cell.gcMicrosPerRequest)),
        added,
        addedVsRaw:
          raw.length > 0 ? { p50: added.p50 / rawAdded.p50, p99: added.p99 / rawAdded.p99 } : null,
        latency: pooled(requests.map((r) => r.ms)),
        errors: list.reduce((sum, cell) => sum + cell.latencyErrors + cell.throughput.errors, 0),
        rssMax: Math.max(...list.map((cell) => cell.rss)),
        heapUsed: spread(list.map((cell) => cell.heapUsed)),
      });
    }
  }
  return summaries;
}

function pooled(values: number[]): { p50: number; p99: number } {
  return { p50: percentile(values, 50), p99: percentile(values, 99) };
}

/** Ratios taken within each round (both cells saw the same machine state), then spread. */
function paired(
  cells: readonly CellResult[],
  raw: readonly CellResult[],
  value: (cell: CellResult) => number,
): Spread | null {
  if (raw.length === 0) return null;
  const ratios: number[] = [];
  for (const cell of cells) {
    const other = raw.find((r) => r.round === cell.round);
    if (other) ratios.push(value(cell) / value(other));
  }
  return spread(ratios);
}
