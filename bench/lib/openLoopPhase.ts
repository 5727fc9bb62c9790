/**
 * The open-loop phase (PERFORMANCE.md T6), after the closed-loop rounds: every
 * contender answers each shape at 70 % of the raw baseline's closed-loop
 * throughput measured in the same run, the same rate for all, one shape's
 * contenders back to back, in shuffled order per round. Without raw in the
 * run each contender runs at 70 % of its own throughput instead, and its p99
 * compares with nothing.
 */
import type { Child } from './children.js';
import type { ContenderSpec } from './contenders.js';
import { openLoopPass } from './openLoop.js';
import type { Shape } from './shapes.js';
import { percentile, shuffledInGroups, spread, type Spread } from './stats.js';
import type { CellSummary } from './summarize.js';

/** Fraction of raw's closed-loop req/s the phase runs at (raw is not always saturated there). */
export const OPEN_LOOP_LOAD = 0.7;

/** Whose closed-loop throughput set the rate: raw's (shared) or the contender's own. */
export type RateBasis = 'raw' | 'own';

export interface OpenLoopCell {
  spec: ContenderSpec;
  child: Child;
  shape: Shape;
  expectBody: string;
}

export interface OpenLoopResult {
  round: number;
  contender: string;
  shape: string;
  rate: number;
  basis: RateBasis;
  seconds: number;
  sent: number;
  errors: number;
  /** Of the errors, 503 answers: requests the contender shed. */
  shed: number;
  errorKinds: Record<string, number>;
  latencies: number[];
  /** Of this window alone, ms; kept in the JSON file, where latencies are not. */
  p99Ms: number;
  sendLagP99Ms: number;
  /** Inside the contender, over the window and the drain that follows it. */
  loopDelayP99Ms: number;
  cpuMicrosPerRequest: number;
}

export interface OpenLoopSummary {
  contender: string;
  shape: string;
  rate: number;
  basis: RateBasis;
  rounds: number;
  sent: number;
  errors: number;
  /** Of the errors, 503 answers: requests the contender shed. */
  shed: number;
  /** The errors by kind, over rounds (openLoop.ts). */
  errorKinds: Record<string, number>;
  /** Pooled over rounds, from each request's scheduled send time, ms. */
  latency: { p50: number; p99: number; max: number };
  /**
   * This window's p99 ÷ raw's in the same round (seconds apart: a round
   * runs one shape's contenders back to back), over rounds; null without
   * raw. A stall of the machine in one window decides a pooled p99, not this
   * median (PERFORMANCE.md section 10).
   */
  p99VsRawByRound: Spread | null;
  /** Worst round. */
  loopDelayP99Ms: number;
  sendLagP99Ms: number;
}

export interface OpenLoopPlan {
  cells: readonly OpenLoopCell[];
  summaries: readonly CellSummary[];
  simulator: Child;
  rounds: number;
  seconds: number;
  random: () => number;
  log: (line: string) => void;
}

export function rateFor(
  summaries: readonly CellSummary[],
  shape: string,
  contender: string,
): { rate: number; basis: RateBasis } | undefined {
  const median = (name: string) =>
    summaries.find((s) => s.shape === shape && s.contender === name)?.throughput.median ?? NaN;
  const raw = median('raw');
  if (raw > 0) return { rate: raw * OPEN_LOOP_LOAD, basis: 'raw' };
  const own = median(contender);
  return own > 0 ? { rate: own * OPEN_LOOP_LOAD, basis: 'own' } : undefined;
}

export async function runOpenLoop(plan: OpenLoopPlan): Promise<OpenLoopResult[]> {
  const { simulator } = plan;
  const results: OpenLoopResult[] = [];
  for (let round = 1; round <= plan.rounds; round++) {
    plan.log(`open-loop round ${round} of ${plan.rounds}`);
    for (const cell of shuffledInGroups(plan.cells, (c) => c.shape.name, plan.random)) {
      const rate = rateFor(plan.summaries, cell.shape.name, cell.spec.name);
      if (!rate) continue;
      // As in the closed-loop cells: the previous contender's post-load work settles first.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await simulator.call('clear');
      // Also restarts the contender's event-loop delay histogram.
      const before = await cell.child.stats();
      const pass = await openLoopPass(
        {
          endpoint: `${cell.child.url}/graphql`,
          operation: cell.shape.operations[cell.spec.dialect]!,
          prefix: `o${round}-${cell.spec.name}-${cell.shape.name}-`,
        },
        { rate: rate.rate, seconds: plan.seconds, expectBody: cell.expectBody },
      );
      const after = await cell.child.stats();
      await simulator.call('clear');
      results.push({
        round,
        contender: cell.spec.name,
        shape: cell.shape.name,
        ...rate,
        seconds: plan.seconds,
        sent: pass.sent,
        errors: pass.errors,
        shed: pass.shed,
        errorKinds: pass.errorKinds,
        latencies: pass.latencies,
        p99Ms: percentile(pass.latencies, 99),
        sendLagP99Ms: pass.sendLagP99Ms,
        loopDelayP99Ms: after.loopDelayP99Ms,
        cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / pass.sent,
      });
    }
  }
  return results;
}

export function summarizeOpenLoop(
  results: readonly OpenLoopResult[],
  shapes: readonly Shape[],
  order: readonly string[],
): OpenLoopSummary[] {
  const summaries: OpenLoopSummary[] = [];
  for (const shape of shapes) {
    const mine = results.filter((r) => r.shape === shape.name);
    const contenders = order.filter((name) => mine.some((r) => r.contender === name));
    const rawByRound = new Map(
      mine.filter((r) => r.contender === 'raw').map((r) => [r.round, r.p99Ms]),
    );
    const vsRaw = (list: readonly OpenLoopResult[]): Spread | null => {
      const ratios = list.flatMap((r) => {
        const raw = rawByRound.get(r.round);
        return r.basis === 'raw' && raw !== undefined ? [r.p99Ms / raw] : [];
      });
      return ratios.length ? spread(ratios) : null;
    };
    for (const contender of contenders) {
      const list = mine.filter((r) => r.contender === contender);
      const latencies = list.flatMap((r) => r.latencies);
      const first = list[0]!;
      summaries.push({
        contender,
        shape: shape.name,
        rate: first.rate,
        basis: first.basis,
        rounds: list.length,
        sent: list.reduce((sum, r) => sum + r.sent, 0),
        errors: list.reduce((sum, r) => sum + r.errors, 0),
        shed: list.reduce((sum, r) => sum + r.shed, 0),
        errorKinds: list.reduce<Record<string, number>>((kinds, r) => {
          for (const [kind, n] of Object.entries(r.errorKinds))
            kinds[kind] = (kinds[kind] ?? 0) + n;
          return kinds;
        }, {}),
        latency: {
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          // Not Math.max(...): long runs hold more values than a call takes arguments.
          max: latencies.reduce((a, b) => Math.max(a, b), -Infinity),
        },
        p99VsRawByRound: vsRaw(list),
        loopDelayP99Ms: Math.max(...list.map((r) => r.loopDelayP99Ms)),
        sendLagP99Ms: Math.max(...list.map((r) => r.sendLagP99Ms)),
      });
    }
  }
  return summaries;
}
