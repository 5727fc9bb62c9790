/**
 * Upstream calls and waves per request, counted exactly (PERFORMANCE.md T3,
 * T4): a few requests per cell, one at a time, with the simulator slowed to
 * a fixed latency and no jitter. At the benchmark's few-ms latency a pause
 * of the contender in the middle of sending one wave (a GC, a CPU time slice
 * on a shared core) outlasts the fastest answer and reads as a second wave;
 * at tens of ms it cannot, so what is counted is what the contender asked.
 */
import type { UpstreamTrace } from '../../src/simulator/index.js';
import type { Child } from './children.js';
import type { ContenderSpec } from './contenders.js';
import { sendOnce, sameAnswer } from './load.js';
import type { Shape } from './shapes.js';

export interface ExactCost {
  contender: string;
  shape: string;
  /** Per request sent. */
  calls: number[];
  waves: number[];
  /** Answers that differed from the probe's or calls the simulator failed. */
  errors: number;
  minimum: Shape['minimum'];
}

export interface ExactCostPlan {
  cells: readonly { spec: ContenderSpec; child: Child; shape: Shape; expectBody: string }[];
  simulator: Child;
  /** Restored afterwards. */
  latency: { fixedMs: number; jitterMs: number };
}

export const EXACT_REQUESTS = 3;
export const EXACT_LATENCY_MS = 40;

export async function measureExactCost(plan: ExactCostPlan): Promise<ExactCost[]> {
  const { simulator } = plan;
  await simulator.call('setLatency', { fixedMs: EXACT_LATENCY_MS, jitterMs: 0 });
  try {
    const costs: ExactCost[] = [];
    for (const { spec, child, shape, expectBody } of plan.cells) {
      await simulator.call('clear');
      const target = {
        endpoint: `${child.url}/graphql`,
        operation: shape.operations[spec.dialect]!,
        prefix: `exact-${spec.name}-${shape.name}-`,
      };
      let errors = 0;
      for (let n = 0; n < EXACT_REQUESTS; n++) {
        const reply = await sendOnce(target, String(n));
        if (reply.status !== 200 || !sameAnswer(reply.text, expectBody)) errors++;
      }
      const byId = await simulator.call<Record<string, UpstreamTrace>>('trace', {
        prefix: target.prefix,
      });
      // A request that made no call has no trace: it counts as 0 calls, 0 waves.
      const traces = Array.from(
        { length: EXACT_REQUESTS },
        (_, n) => byId[`${target.prefix}${n}`] ?? { calls: 0, waves: 0, criticalMs: 0, failed: 0 },
      );
      costs.push({
        contender: spec.name,
        shape: shape.name,
        calls: traces.map((trace) => trace.calls),
        waves: traces.map((trace) => trace.waves),
        errors: errors + traces.reduce((sum, trace) => sum + trace.failed, 0),
        minimum: shape.minimum,
      });
    }
    return costs;
  } finally {
    await simulator.call('clear');
    await simulator.call('setLatency', plan.latency);
  }
}

/** Every request of the cell made exactly the minimum calls in the minimum waves. */
export function atMinimum(cost: ExactCost): boolean {
  return (
    cost.errors === 0 &&
    cost.calls.every((calls) => calls === cost.minimum.calls) &&
    cost.waves.every((waves) => waves === cost.minimum.waves)
  );
}
