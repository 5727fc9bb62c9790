/**
 * The host's metrics under `WEB_CONCURRENCY`: every worker's, added up by
 * the primary for whichever worker takes the scrape.
 *
 * Counters and histograms of a worker that died stay in the sum at what it
 * last reported. Without them a restart would make the host's counters go
 * down, which Prometheus reads as a reset: `rate()` and `increase()` would
 * then count the surviving workers' whole totals again as new traffic.
 * Gauges describe the live processes only, so a dead worker's are dropped,
 * and so are those of a worker that does not answer.
 *
 * Each worker gives its own first 100 operation names a label value, and a
 * dead worker's series stay: restarts would add 100 more each time. The
 * host admits operation names as one process does, and sums the rest into
 * `(other)`.
 */
import {
  AggregatorRegistry,
  type Aggregator,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';
import {
  OPERATION_ANONYMOUS,
  OPERATION_NONE,
  OPERATION_OTHER,
  OperationNames,
  type OperationNamesOptions,
} from './metrics.js';

export type WorkerMetrics = MetricObjectWithValues<MetricValue<string>>[];

// prom-client sums gauges across workers by default; these are per process
// and the same in each, so the host reports one.
const SAME_IN_EVERY_WORKER: Record<string, Aggregator> = { process_max_fds: 'first' };

export class HostMetrics {
  readonly #operationNames: OperationNames;
  /** Each live worker's last answer, by worker id. */
  readonly #last = new Map<number, WorkerMetrics>();
  /** The counters and histograms of workers that died, added up. */
  #retired: WorkerMetrics = [];
  /** Dead workers' counters and histograms not yet in `#retired`; counted meanwhile. */
  readonly #retiring = new Set<WorkerMetrics>();
  /** Folds one at a time, each onto the last one's result. */
  #folding = Promise.resolve();

  constructor(options: OperationNamesOptions = {}) {
    this.#operationNames = new OperationNames(options);
  }

  /** Adds up the live workers' answers and what dead workers counted. */
  async aggregate(answers: Map<number, WorkerMetrics>): Promise<string> {
    const live: WorkerMetrics[] = [];
    for (const [worker, metrics] of answers) {
      // An empty answer comes from a worker that could not be asked (its
      // channel closed before its exit is known) or did not answer in time:
      // its counters and histograms stand at its last answer; its gauges say
      // how the process is now, which nobody knows, so they are left out.
      if (metrics.length > 0) this.#last.set(worker, this.#capOperations(metrics));
      const last = this.#last.get(worker) ?? [];
      live.push(metrics.length > 0 ? last : last.filter(isCumulative));
    }
    const all = [...live, this.#retired, ...this.#retiring].map((metrics) =>
      metrics.map((metric) => {
        const aggregator = SAME_IN_EVERY_WORKER[metric.name];
        return aggregator === undefined ? metric : { ...metric, aggregator };
      }),
    );
    return AggregatorRegistry.aggregate(all).metrics();
  }

  /** Keeps a dead worker's counters and histograms in the host's sums. */
  retire(worker: number): Promise<void> {
    const last = this.#last.get(worker);
    this.#last.delete(worker);
    if (last === undefined) return this.#folding;
    const cumulative = last.filter(isCumulative);
    this.#retiring.add(cumulative);
    this.#folding = this.#folding.then(async () => {
      try {
        const sum = AggregatorRegistry.aggregate([this.#retired, cumulative]);
        this.#retired = (await sum.getMetricsAsJSON()) as WorkerMetrics;
        this.#retiring.delete(cumulative);
      } catch {
        // Left in #retiring, where it is still counted; never a rejection.
      }
    });
    return this.#folding;
  }

  #capOperations(metrics: WorkerMetrics): WorkerMetrics {
    return metrics.map((metric) =>
      metric.values.some(({ labels }) => typeof labels.operation === 'string')
        ? {
            ...metric,
            values: metric.values.map((value) => {
              const { operation } = value.labels;
              return typeof operation !== 'string' ||
                FIXED_OPERATION_LABELS.has(operation) ||
                this.#operationNames.admit(operation)
                ? value
                : { ...value, labels: { ...value.labels, operation: OPERATION_OTHER } };
            }),
          }
        : metric,
    );
  }
}

const FIXED_OPERATION_LABELS = new Set([OPERATION_NONE, OPERATION_ANONYMOUS, OPERATION_OTHER]);

/** Counters and histograms only grow. */
function isCumulative({ type }: WorkerMetrics[number]): boolean {
  // prom-client's types declare a numeric enum; its JSON holds the name.
  const name = type as unknown as string;
  return name === 'counter' || name === 'histogram';
}
