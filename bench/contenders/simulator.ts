/**
 * The upstream of every contender: the built-in Enfuce simulator in its own
 * process, with the request-log analysis the harness needs.
 */
import { startSimulator, traceRequests } from '../../src/simulator/index.js';
import type { FaultRule } from '../../src/simulator/faultRule.js';
import { runChild } from '../lib/contenderProcess.js';

runChild(async () => {
  const simulator = await startSimulator({
    username: 'bench',
    password: 'bench-password',
    latency: {
      fixedMs: Number(process.env.BENCH_LATENCY_MS ?? 3),
      jitterMs: Number(process.env.BENCH_JITTER_MS ?? 2),
    },
    maxLogEntries: 400_000,
  });
  return {
    url: simulator.url,
    calls: {
      clear: () => simulator.log.clear(),
      setLatency: (latency: { fixedMs: number; jitterMs: number }) => simulator.setLatency(latency),
      count: () => simulator.log.count(),
      // Fault mode (faults.ts): rules, and the most concurrent requests since a reset.
      addFault: (rule: FaultRule) => simulator.faults.add(rule),
      clearFaults: () => simulator.faults.clear(),
      maxInFlight: () => simulator.stats.maxInFlight,
      resetGauge: () => simulator.stats.reset(),
      trace: ({ prefix }: { prefix: string }) => traceRequests(simulator.log.entries(), prefix),
    },
    close: () => simulator.close(),
  };
});
