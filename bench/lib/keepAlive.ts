/**
 * Runs the keep-alive micro-benchmark in its own (pinned) process against
 * the harness's simulator, set to no latency for it and restored after.
 */
import type { KeepAlivePlan, KeepAliveResult } from '../micro/keepAlive.js';
import { startChild, type Child } from './children.js';
import type { BenchOptions } from './options.js';

export type { KeepAliveResult };

/** PERFORMANCE.md §3 and §9: a sequential call on a kept-alive socket, under this at p50. */
export const KEEP_ALIVE_P50_GOAL_MS = 0.5;

/** `upstreamEnv`: the simulator's URL and credentials, as every contender gets them. */
export async function runKeepAliveBench(
  options: BenchOptions,
  simulator: Child,
  upstreamEnv: Record<string, string>,
): Promise<KeepAliveResult[]> {
  const child = await startChild({
    name: 'keep-alive',
    entry: 'micro/keepAlive.ts',
    cpus: options.pin ? '1' : undefined,
    env: upstreamEnv,
  });
  await simulator.call('setLatency', { fixedMs: 0, jitterMs: 0 });
  try {
    const plan: KeepAlivePlan = { rounds: 5, callsPerRound: 400 };
    return await child.call<KeepAliveResult[]>('run', plan);
  } finally {
    await simulator.call('setLatency', { fixedMs: options.upstreamMs, jitterMs: options.jitterMs });
    await simulator.call('clear');
    await child.stop();
  }
}
