/**
 * One cell of the comparison: a contender answering one shape, measured
 * once one request at a time (latency and upstream trace) and once under
 * closed-loop load (throughput and CPU per request).
 */
import type { Child } from './children.js';
import { latencyPass, throughputPass, type Target } from './load.js';
import { costPerRequest, percentile } from './stats.js';
import type { UpstreamTrace } from '../../src/simulator/index.js';

export interface CellResult {
  round: number;
  contender: string;
  shape: string;
  /** Per request, one at a time: client latency and the part added to the upstream's. */
  requests: { ms: number; addedMs: number; ok: boolean }[];
  latencyErrors: number;
  throughput: {
    perSecond: number;
    completed: number;
    errors: number;
    p50Ms: number;
    p99Ms: number;
  };
  cpuMicrosPerRequest: number;
  /** V8 heap bytes allocated per request under load, garbage included; NaN when not measured. */
  allocatedBytesPerRequest: number;
  /** Bytes promoted to the old generation per request under load; NaN when not measured. */
  promotedBytesPerRequest: number;
  /** Garbage-collection microseconds per request under load (part of the CPU); NaN when not measured. */
  gcMicrosPerRequest: number;
  /** Young-generation collections per request under load; NaN when not measured. */
  scavengesPerRequest: number;
  /** The young generation's capacity after the load window, bytes; NaN when not measured. */
  newSpaceBytes: number;
  rss: number;
  heapUsed: number;
  loopDelayP99Ms: number;
  /**
   * CPU the other contenders used during the load window, as a share of the
   * window: the post-load work of the previous cells (GC, V8's memory reducer,
   * a backlog) taken from the shared core while this one was measured. Their
   * answers to the two stats requests that bracket the window count in it.
   */
  bystanderCpuShare: number;
}

export interface CellPlan {
  round: number;
  child: Child;
  simulator: Child;
  /** The other contenders, on the same core: watched so their work is not this cell's noise. */
  bystanders: readonly Child[];
  target: Target;
  shape: string;
  expectBody: string;
  seconds: number;
  latencySeconds: number;
  connections: number;
}

export async function measureCell(plan: CellPlan): Promise<CellResult> {
  const { child, simulator, target } = plan;
  // Let the previous cell's contender finish its post-load work (GC, JIT)
  // on the shared CPU before timing single requests.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await simulator.call('clear');
  const timed = await latencyPass(target, {
    seconds: plan.latencySeconds,
    maxRequests: 2000,
    expectBody: plan.expectBody,
  });
  const traces = await simulator.call<Record<string, UpstreamTrace>>('trace', {
    prefix: target.prefix,
  });
  const requests = timed.map(({ id, ms, ok }) => {
    const trace = traces[id] ?? { criticalMs: 0, failed: 0 };
    return {
      ms,
      addedMs: ms - trace.criticalMs,
      ok: ok && trace.failed === 0,
    };
  });
  await simulator.call('clear');

  const bystandersBefore = await bystanderCpu(plan.bystanders);
  const before = await child.stats();
  const started = performance.now();
  const load = await throughputPass(
    { ...target, prefix: `${target.prefix}t` },
    { seconds: plan.seconds, connections: plan.connections, expectBody: plan.expectBody },
  );
  const after = await child.stats();
  const windowMicros = (performance.now() - started) * 1000;
  const bystanderCpuShare =
    ((await bystanderCpu(plan.bystanders)) - bystandersBefore) / windowMicros;
  await simulator.call('clear');
  const cost = costPerRequest(before, after, load.completed);

  return {
    round: plan.round,
    contender: child.name,
    shape: plan.shape,
    requests,
    latencyErrors: requests.filter((r) => !r.ok).length,
    throughput: {
      perSecond: load.perSecond,
      completed: load.completed,
      errors: load.errors,
      p50Ms: load.latencyP50Ms,
      p99Ms: load.latencyP99Ms,
    },
    cpuMicrosPerRequest: cost.cpuMicros,
    allocatedBytesPerRequest: cost.allocatedBytes,
    promotedBytesPerRequest: cost.promotedBytes,
    gcMicrosPerRequest: cost.gcMicros,
    scavengesPerRequest: cost.scavenges,
    newSpaceBytes: after.newSpaceBytes,
    rss: after.rss,
    heapUsed: after.heapUsed,
    loopDelayP99Ms: after.loopDelayP99Ms,
    bystanderCpuShare,
  };
}

/** CPU microseconds the bystanders have used since they started, together. */
async function bystanderCpu(bystanders: readonly Child[]): Promise<number> {
  const stats = await Promise.all(bystanders.map((b) => b.stats()));
  return stats.reduce((sum, s) => sum + s.cpuMicros, 0);
}

/** p50 and p99 of a field over requests. */
export function latencyPercentiles(values: readonly number[]): { p50: number; p99: number } {
  return { p50: percentile(values, 50), p99: percentile(values, 99) };
}
