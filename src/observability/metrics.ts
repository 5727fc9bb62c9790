/**
 * Every Prometheus instrument the gateway exports, on one registry per
 * gateway so tests and cluster workers never share counters. Label values
 * come from small fixed sets (route templates, status codes, contract error
 * codes, loader names) or from `operationLabel`, which caps operation names;
 * ids never become labels.
 */
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type Metric,
} from 'prom-client';
import { OPERATION_NAME } from '../config.js';
import type { UpstreamPolicyView } from '../upstream/policy.js';

/** Which operation names get a label value of their own. */
export interface OperationNamesOptions {
  /**
   * Distinct operation names that get their own label value; later ones
   * share `(other)`, so a client inventing names cannot grow the series.
   * @default 100
   */
  maxOperationNames?: number;
  /**
   * The only operation names that get their own label value, when given
   * (`METRICS_OPERATION_NAMES`): a caller inventing names cannot then take
   * the label values the gateway's own clients need.
   * @default none: the first `maxOperationNames` distinct names seen
   */
  operationNames?: readonly string[];
}

export interface GatewayMetricsOptions extends OperationNamesOptions {
  /** Where the instruments and the process's default metrics go. @default a new Registry */
  registry?: Registry;
}

const isOperationName = (name: string) => OPERATION_NAME.test(name);

/**
 * The operation names that have a label value of their own: the fixed
 * list, or else the first `maxOperationNames` distinct ones admitted.
 */
export class OperationNames {
  readonly #names: Set<string>;
  readonly #fixed: boolean;
  readonly #max: number;

  constructor(options: OperationNamesOptions = {}) {
    this.#names = new Set(options.operationNames);
    this.#fixed = options.operationNames !== undefined;
    this.#max = options.maxOperationNames ?? 100;
  }

  /**
   * Whether `name` has its own label value, admitting it while there is
   * room and `acceptable` (tried on new names only: a known one is every
   * request's case) holds.
   */
  admit(name: string, acceptable: (name: string) => boolean = () => true): boolean {
    if (this.#names.has(name)) return true;
    if (this.#fixed || this.#names.size >= this.#max || !acceptable(name)) return false;
    this.#names.add(name);
    return true;
  }
}

export interface GatewayMetrics {
  registry: Registry;
  requestDuration: Histogram<'operation' | 'outcome'>;
  requestsInFlight: Gauge;
  requestsWaiting: Gauge;
  requestsShed: Counter<'reason'>;
  requestsRateLimited: Counter<'reason'>;
  /** Requests Node's HTTP parser refused, most before fastify had one (http/clientErrors.ts). */
  httpParserRefusals: Counter<'status'>;
  graphqlErrors: Counter<'code'>;
  upstreamCallsPerOperation: Histogram<'operation'>;
  upstreamCalls: Counter<'endpoint' | 'status'>;
  upstreamDuration: Histogram<'endpoint' | 'status'>;
  upstreamUnreadable: Counter<'endpoint' | 'field'>;
  loaderBatchSize: Histogram<'loader'>;
  /** The label value for an operation name: the name itself, or a fixed `(…)` value. */
  operationLabel(name: string | null | undefined): string;
  /**
   * Publishes the upstream call policy: its state is read on every scrape,
   * its events (retries, circuit changes, rejections) are counted. Until this
   * is called the circuit and bulkhead series stay empty.
   */
  watchPolicy(policy: UpstreamPolicyView): void;
}

// Parentheses cannot occur in a GraphQL name, so these never collide with one.
export const OPERATION_NONE = '(none)';
export const OPERATION_ANONYMOUS = '(anonymous)';
export const OPERATION_OTHER = '(other)';

// 60 past 30: a request cut at the default 30 s deadline ends just after it,
// and belongs in a bucket of its own rather than +Inf.
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const CIRCUIT_STATES = ['closed', 'half-open', 'open', 'isolated'] as const;

let defaultMetrics: Metric[] | undefined;

/**
 * prom-client's default metrics (CPU, memory, handles, GC, event-loop lag),
 * collected once per process. Collecting them starts an event-loop delay
 * monitor and a GC observer that prom-client 15 gives no way to stop: the
 * call returns nothing and `registry.clear()` only forgets the instruments.
 * Collected per gateway, every gateway a process ever created (tests create
 * many) would keep its own running. So each gateway's registry shows these
 * same instruments instead; with several gateways in one process, a scrape
 * of any of them restarts the lag window the others report.
 */
function processMetrics(): Metric[] {
  if (defaultMetrics === undefined) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    defaultMetrics = registry
      .getMetricsAsArray()
      .flatMap(({ name }) => registry.getSingleMetric(name) ?? []);
  }
  return defaultMetrics;
}

export function createGatewayMetrics(options: GatewayMetricsOptions = {}): GatewayMetrics {
  const registry = options.registry ?? new Registry();
  for (const metric of processMetrics()) registry.registerMetric(metric);
  const registers = [registry];
  const names = new OperationNames(options);
  let policy: UpstreamPolicyView | undefined;

  // Gauges whose value is read at scrape time rather than pushed.
  new Gauge({
    name: 'gateway_upstream_circuit_state',
    help: 'The upstream circuit breaker: 1 for the current state, 0 for the others.',
    labelNames: ['state'],
    registers,
    collect() {
      if (!policy) return;
      const { circuit } = policy.state();
      for (const state of CIRCUIT_STATES) this.set({ state }, state === circuit ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gateway_upstream_bulkhead_active',
    help: 'Upstream calls holding a bulkhead slot.',
    registers,
    collect() {
      if (policy) this.set(policy.state().active);
    },
  });
  new Gauge({
    name: 'gateway_upstream_bulkhead_queued',
    help: 'Upstream calls waiting for a bulkhead slot.',
    registers,
    collect() {
      if (policy) this.set(policy.state().queued);
    },
  });

  const policyEvents = new Counter({
    name: 'gateway_upstream_policy_events_total',
    help: 'Retries, circuit state changes, and calls refused by the circuit or the bulkhead or whose deadline passed while they queued.',
    labelNames: ['event'],
    registers,
  });

  return {
    registry,
    requestDuration: new Histogram({
      name: 'gateway_graphql_request_duration_seconds',
      help: 'GraphQL requests by operation name and outcome (ok, partial, rejected, error, abandoned).',
      labelNames: ['operation', 'outcome'],
      buckets: SECONDS,
      registers,
    }),
    requestsInFlight: new Gauge({
      name: 'gateway_graphql_requests_in_flight',
      help: 'GraphQL requests received and not yet answered.',
      registers,
    }),
    requestsWaiting: new Gauge({
      name: 'gateway_graphql_requests_waiting',
      help: 'GraphQL requests waiting to start until the upstream bulkhead queue is less than half full.',
      registers,
    }),
    requestsShed: new Counter({
      name: 'gateway_graphql_requests_shed_total',
      help: 'GraphQL requests answered 503: in_flight (the limit was reached) or upstream_queue (the issuer calls stayed queued deep for ADMISSION_WAIT_MS).',
      labelNames: ['reason'],
      registers,
    }),
    requestsRateLimited: new Counter({
      name: 'gateway_graphql_requests_rate_limited_total',
      help: 'GraphQL requests answered 429 because their caller had CALLER_MAX_IN_FLIGHT requests running (in_flight) or had spent CALLER_CALLS_PER_MINUTE (calls).',
      labelNames: ['reason'],
      registers,
    }),
    httpParserRefusals: new Counter({
      name: 'gateway_http_parser_refusals_total',
      help: "Requests Node's HTTP parser refused, most before there was a request to log: 431 (request line and headers too large), 408 (not in time), 400 (not HTTP).",
      labelNames: ['status'],
      registers,
    }),
    graphqlErrors: new Counter({
      name: 'gateway_graphql_errors_total',
      help: 'Errors sent to clients, by error code.',
      labelNames: ['code'],
      registers,
    }),
    upstreamCallsPerOperation: new Histogram({
      name: 'gateway_upstream_calls_per_operation',
      help: 'Upstream HTTP calls (retries included) made for one GraphQL request.',
      labelNames: ['operation'],
      buckets: [0, 1, 2, 3, 5, 10, 20, 50, 100, 200],
      registers,
    }),
    upstreamCalls: new Counter({
      name: 'gateway_upstream_requests_total',
      help: 'HTTP calls to the card issuer by route template and status (or timeout, network, cancelled, unusable).',
      labelNames: ['endpoint', 'status'],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'gateway_upstream_request_duration_seconds',
      help: 'Time of one HTTP call to the card issuer, body included.',
      labelNames: ['endpoint', 'status'],
      buckets: SECONDS,
      registers,
    }),
    upstreamUnreadable: new Counter({
      name: 'gateway_upstream_unreadable_values_total',
      help: 'Values in usable issuer answers that the gateway could not read: answered as null (role, paymentReference, usageLimits.count, usageLimits.availableCount) or as an error of their field alone (available, balance, creditLimit, segment, reason, address, minimumToPay, usageLimits).',
      labelNames: ['endpoint', 'field'],
      registers,
    }),
    loaderBatchSize: new Histogram({
      name: 'gateway_loader_batch_size',
      help: 'Keys per DataLoader batch.',
      labelNames: ['loader'],
      buckets: [1, 2, 5, 10, 20, 50, 100],
      registers,
    }),
    operationLabel(name) {
      if (name === undefined) return OPERATION_NONE;
      if (name === null || name === '') return OPERATION_ANONYMOUS;
      return names.admit(name, isOperationName) ? name : OPERATION_OTHER;
    },
    watchPolicy(view) {
      policy = view;
      view.onEvent((event) => {
        if (event.type === 'retry') policyEvents.inc({ event: 'retry' });
        else if (event.type === 'circuit') policyEvents.inc({ event: `circuit_${event.state}` });
        else policyEvents.inc({ event: `rejected_${event.reason}` });
      });
    },
  };
}
