/** Small statistics for rounds of noisy measurements. */
import type { ProcessStats } from './contenderProcess.js';

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Coefficient of variation, percent, of the sample (n − 1); 0 for one value. */
  cv: number;
  n: number;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { median: NaN, min: NaN, max: NaN, cv: NaN, n: 0 };
  const mean = finite.reduce((sum, v) => sum + v, 0) / finite.length;
  // The sample's variance: over the population's, seven rounds would read
  // their scatter 7 % low, and pass a CV a little over 10 % as under it.
  const variance =
    finite.length === 1
      ? 0
      : finite.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (finite.length - 1);
  return {
    median: percentile(finite, 50),
    min: Math.min(...finite),
    max: Math.max(...finite),
    cv: mean === 0 ? 0 : (Math.sqrt(variance) / Math.abs(mean)) * 100,
    n: finite.length,
  };
}

/** Linear-interpolated percentile (0–100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? NaN : num / den;
}

/** Fisher–Yates shuffle with a seeded generator, so a run's order can be replayed. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * Shuffles the groups' order and each group's items, keeping every group's
 * items next to each other. A round measures one shape's contenders back to
 * back: on a machine whose speed drifts, the ratio of two adjacent cells
 * varies less than that of two cells further apart (bench/README.md).
 */
export function shuffledInGroups<T>(
  items: readonly T[],
  groupOf: (item: T) => string,
  random: () => number,
): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = groupOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return shuffled([...groups.values()], random).flatMap((group) => shuffled(group, random));
}

/** mulberry32: a tiny seeded PRNG. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The counters of a process that grow with the requests it serves. */
const PER_REQUEST = [
  'cpuMicros',
  'allocatedBytes',
  'promotedBytes',
  'gcMicros',
  'scavenges',
] as const;

/** What one request cost on average between two samples taken around `requests` requests. */
export function costPerRequest(
  before: ProcessStats,
  after: ProcessStats,
  requests: number,
): Pick<ProcessStats, (typeof PER_REQUEST)[number]> {
  const cost = {} as Pick<ProcessStats, (typeof PER_REQUEST)[number]>;
  for (const key of PER_REQUEST) cost[key] = (after[key] - before[key]) / Math.max(1, requests);
  return cost;
}
