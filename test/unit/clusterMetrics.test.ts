import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HostMetrics, type WorkerMetrics } from '../../src/observability/clusterMetrics.js';
import { parseSamples } from '../helpers/prometheus.js';

/** A worker's registry with the kinds of metric the gateway exports. */
function worker() {
  const registry = new Registry();
  const requests = new Counter({ name: 'requests_total', help: 'h', registers: [registry] });
  const duration = new Histogram({
    name: 'duration_seconds',
    help: 'h',
    buckets: [1],
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'in_flight', help: 'h', registers: [registry] });
  const maxFds = new Gauge({ name: 'process_max_fds', help: 'h', registers: [registry] });
  maxFds.set(1024);
  const answer = async () => (await registry.getMetricsAsJSON()) as WorkerMetrics;
  return { requests, duration, inFlight, answer };
}

describe('HostMetrics', () => {
  it("keeps a dead worker's counters and histograms in the host's sums, and drops its gauges", async () => {
    const host = new HostMetrics();
    const [one, two] = [worker(), worker()];
    one.requests.inc(5);
    one.duration.observe(0.5);
    one.inFlight.set(3);
    two.requests.inc(2);
    two.inFlight.set(4);
    const value = (text: string, name: string) =>
      parseSamples(text).find((sample) => sample.name === name)?.value;

    const before = await host.aggregate(
      new Map([
        [1, await one.answer()],
        [2, await two.answer()],
      ]),
    );
    expect(value(before, 'requests_total')).toBe(7);
    expect(value(before, 'in_flight')).toBe(7);
    expect(value(before, 'process_max_fds')).toBe(1024);

    // Worker 1 dies; worker 3 takes its place and counts from zero.
    const three = worker();
    three.requests.inc(1);
    two.requests.inc(1);
    const answers = new Map([
      [2, await two.answer()],
      [3, await three.answer()],
    ]);
    // A scrape right after the death, while its counts are being folded in.
    const retired = host.retire(1);
    const during = await host.aggregate(answers);
    await retired;
    const after = await host.aggregate(answers);
    for (const text of [during, after]) {
      expect(value(text, 'requests_total')).toBe(9);
      expect(value(text, 'duration_seconds_count')).toBe(1);
      expect(value(text, 'in_flight')).toBe(4);
      expect(value(text, 'process_max_fds')).toBe(1024);
    }
  });

  it('counts a worker that could not be asked by its last counters, and leaves out its gauges', async () => {
    const host = new HostMetrics();
    const [one, two] = [worker(), worker()];
    one.requests.inc(5);
    one.inFlight.set(3);
    two.requests.inc(2);
    two.inFlight.set(4);
    await host.aggregate(
      new Map([
        [1, await one.answer()],
        [2, await two.answer()],
      ]),
    );
    // Worker 1's channel has closed, its exit not yet seen, or it is stalled:
    // what it counted stands, what it is now nobody knows.
    const text = await host.aggregate(
      new Map([
        [1, []],
        [2, await two.answer()],
      ]),
    );
    expect(parseSamples(text).find((s) => s.name === 'requests_total')?.value).toBe(7);
    expect(parseSamples(text).find((s) => s.name === 'in_flight')?.value).toBe(4);
  });

  it('counts a worker that dies twice over by its last answer only once', async () => {
    const host = new HostMetrics();
    const one = worker();
    one.requests.inc(5);
    await host.aggregate(new Map([[1, await one.answer()]]));
    await Promise.all([host.retire(1), host.retire(1)]);
    const text = await host.aggregate(new Map());
    expect(parseSamples(text).find((s) => s.name === 'requests_total')?.value).toBe(5);
  });
});

describe('HostMetrics: operation names across worker restarts', () => {
  /** A worker that has labelled `count` names of its own, one request each, and one anonymous request. */
  async function workerWithNames(prefix: string, count: number) {
    const registry = new Registry();
    const requests = new Counter({
      name: 'requests_total',
      help: 'h',
      labelNames: ['operation'],
      registers: [registry],
    });
    for (let i = 0; i < count; i++) requests.inc({ operation: `${prefix}${i}` });
    requests.inc({ operation: '(anonymous)' });
    return (await registry.getMetricsAsJSON()) as WorkerMetrics;
  }

  it('admits names host-wide as one process does, and sums the rest into (other)', async () => {
    const host = new HostMetrics({ maxOperationNames: 3 });
    // Three workers in turn, each dying after its first scrape, each with names of its own.
    for (const [id, prefix] of [
      [1, 'A'],
      [2, 'B'],
      [3, 'C'],
    ] as const) {
      await host.aggregate(new Map([[id, await workerWithNames(prefix, 2)]]));
      await host.retire(id);
    }
    const samples = parseSamples(await host.aggregate(new Map()));
    const byOperation = Object.fromEntries(
      samples
        .filter((sample) => sample.name === 'requests_total')
        .map((sample) => [sample.labels.operation, sample.value]),
    );
    expect(byOperation).toEqual({
      A0: 1,
      A1: 1,
      B0: 1,
      '(other)': 3,
      '(anonymous)': 3,
    });
  });

  it('keeps every name of METRICS_OPERATION_NAMES, however many', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `N${i}`);
    const host = new HostMetrics({ operationNames: names });
    const text = await host.aggregate(new Map([[1, await workerWithNames('N', 150)]]));
    const operations = parseSamples(text)
      .filter((sample) => sample.name === 'requests_total')
      .map((sample) => sample.labels.operation);
    expect(operations).toHaveLength(151);
    expect(operations).not.toContain('(other)');
  });
});
