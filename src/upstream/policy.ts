/**
 * How the gateway treats an issuer that misbehaves: retries with jittered
 * backoff inside the call's deadline, a circuit breaker that stops calling an
 * issuer that keeps failing, and a bulkhead that caps concurrent calls.
 * Built on cockatiel 3 (4.x needs Node 22).
 *
 * One instance per upstream, shared by every request: a breaker or bulkhead
 * that lives per request protects nothing.
 */
import { AsyncResource } from 'node:async_hooks';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  IsolatedCircuitError,
  bulkhead,
  circuitBreaker,
  halfJitterGenerator,
  handleWhen,
  noJitterGenerator,
  retry,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IBackoffFactory,
  type IExponentialBackoffOptions,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import type { UpstreamConfig } from '../config.js';
import { CLIENT_DEFAULTS, type CallPolicy, type PolicyCall } from './client.js';
import {
  UpstreamCallCancelledError,
  UpstreamUnavailableError,
  isConnectionFailure,
  isLastingConnectionFailure,
  isTimeout,
  type UpstreamError,
} from './errors.js';

/** What a policy does when not told otherwise; also the defaults of the `ENFUCE_*` variables (config.ts). */
export const POLICY_DEFAULTS = {
  retries: 2,
  backoffInitialMs: 100,
  backoffMaxMs: 1000,
  breakerThreshold: 5,
  halfOpenAfterMs: 5000,
  maxConcurrent: CLIENT_DEFAULTS.connections,
  queueSize: 256,
} as const;

/** Each option left out takes its value from POLICY_DEFAULTS. */
export interface UpstreamPolicyOptions {
  /** Retries after the first attempt (so `retries + 1` attempts at most). */
  retries?: number;
  /** The first backoff delay in ms, jittered to [½, 1)×; later ones double. */
  backoffInitialMs?: number;
  /** The longest backoff delay in ms (a `Retry-After` that fits the deadline is waited out first). */
  backoffMaxMs?: number;
  /** Consecutive counted failures (5xx, timeouts, connection failures) that open the circuit. */
  breakerThreshold?: number;
  /** How long the circuit stays open before one probe call may go out, in ms. */
  halfOpenAfterMs?: number;
  /** Upstream calls in flight at once; match the Pool's `connections`. */
  maxConcurrent?: number;
  /** Calls that may wait for a free slot; one more fails at once with UPSTREAM_UNAVAILABLE. */
  queueSize?: number;
  /**
   * Resume a call that waited for a slot in its own caller's async context
   * (AsyncLocalStorage, where OpenTelemetry keeps the active span). Binding
   * costs microseconds and memory per queued call, so only when tracing.
   * @default false
   */
  keepAsyncContext?: boolean;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/** A snapshot for health checks and metrics. */
export interface UpstreamPolicyState {
  circuit: CircuitStateName;
  /** Calls holding a bulkhead slot now. */
  active: number;
  /** Calls waiting for a slot now. */
  queued: number;
  maxConcurrent: number;
  queueSize: number;
}

/** Something worth counting happened. */
export type UpstreamPolicyEvent =
  | { type: 'retry'; attempt: number; delayMs: number }
  | { type: 'circuit'; state: CircuitStateName }
  /**
   * `queue-timeout`: the call's deadline passed while it waited for a slot;
   * told once a slot is free, as the call gives it back unused.
   */
  | { type: 'rejected'; reason: 'circuit-open' | 'bulkhead-full' | 'queue-timeout' };

/** The read-only face of the policy, for whoever publishes metrics. */
export interface UpstreamPolicyView {
  state(): UpstreamPolicyState;
  /** Calls `listener` for every event until the returned function is called. */
  onEvent(listener: (event: UpstreamPolicyEvent) => void): () => void;
}

const RETRIED_STATUSES = new Set([429, 502, 503, 504]);

const CIRCUIT_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * The CallPolicy of EnfuceClient. Order, outside in: retry (per call, so it
 * knows the call's deadline), bulkhead, the call's admission (its budget),
 * circuit breaker, the attempt. An attempt holds a bulkhead slot only while
 * it talks to the issuer, never while it sleeps between attempts. The
 * breaker counts a call's last failed attempt only, and not a timeout of
 * an attempt that the queue, or its request's deadline, left too little
 * time, nor a failure of one sent before the circuit last opened.
 *
 * Only GETs go through here (the client makes nothing else), so every
 * attempt is safe to repeat.
 */
export class UpstreamPolicy implements CallPolicy, UpstreamPolicyView {
  readonly #retries: number;
  /** The retries' backoff; its unjittered delays bound the jittered ones. */
  readonly #backoff: IExponentialBackoffOptions<number>;
  readonly #maxConcurrent: number;
  readonly #queueSize: number;
  readonly #keepAsyncContext: boolean;
  readonly #breaker: CircuitBreakerPolicy;
  readonly #bulkhead: BulkheadPolicy;
  // One for every call: what it retries is marked per error (#retried), and
  // the backoff keeps no state between calls.
  readonly #retry: RetryPolicy;
  readonly #listeners = new Set<(event: UpstreamPolicyEvent) => void>();
  /** Failures the breaker must not count, unless they are a probe's. */
  readonly #forgiven = new WeakSet<object>();
  /** Failures the retry policy retries. */
  readonly #retried = new WeakSet<object>();
  /** Failures of half-open probes. */
  readonly #probeFailures = new WeakSet<object>();
  /** How many times the circuit has opened: an attempt's failure counts only if none since it went out. */
  #opened = 0;

  constructor(options: UpstreamPolicyOptions = {}) {
    this.#retries = options.retries ?? POLICY_DEFAULTS.retries;
    this.#backoff = {
      // Each delay is drawn from [d/2, d) for d = initial, 2·initial, ...:
      // jitter breaks up retry storms, the floor keeps the issuer a pause.
      generator: halfJitterGenerator,
      initialDelay: options.backoffInitialMs ?? POLICY_DEFAULTS.backoffInitialMs,
      maxDelay: options.backoffMaxMs ?? POLICY_DEFAULTS.backoffMaxMs,
      exponent: 2,
    };
    this.#maxConcurrent = options.maxConcurrent ?? POLICY_DEFAULTS.maxConcurrent;
    this.#queueSize = options.queueSize ?? POLICY_DEFAULTS.queueSize;
    this.#keepAsyncContext = options.keepAsyncContext ?? false;
    // The half-open probe fails on any failure of the issuer's, and when its
    // caller went away: cockatiel reads an error it does not handle as the
    // issuer answering, and would close the circuit on a probe cut short.
    // Other attempts do not count the failures they forgave, nor those of
    // attempts sent before the circuit last opened (see `execute`): counted
    // while the probe is out, or after it closed the circuit, they would
    // reopen it on old news.
    const counts = (error: unknown) =>
      this.#probeFailures.has(error as object)
        ? countsAgainstIssuer(error) || error instanceof UpstreamCallCancelledError
        : countsAgainstIssuer(error) && !this.#forgiven.has(error as object);
    this.#breaker = circuitBreaker(handleWhen(counts), {
      breaker: new ConsecutiveBreaker(options.breakerThreshold ?? POLICY_DEFAULTS.breakerThreshold),
      halfOpenAfter: options.halfOpenAfterMs ?? POLICY_DEFAULTS.halfOpenAfterMs,
    });
    this.#bulkhead = bulkhead(this.#maxConcurrent, this.#queueSize);
    this.#retry = retry(
      handleWhen((error) => this.#retried.has(error as object)),
      {
        maxAttempts: this.#retries,
        backoff: new RetryAfterBackoff(new ExponentialBackoff(this.#backoff)),
      },
    );
    this.#retry.onRetry(({ attempt: n, delay }) =>
      this.#emit({ type: 'retry', attempt: n, delayMs: delay }),
    );
    this.#breaker.onStateChange((state) =>
      this.#emit({ type: 'circuit', state: CIRCUIT_NAMES[state] }),
    );
    this.#breaker.onBreak(() => this.#opened++);
    this.#bulkhead.onReject(() => this.#emit({ type: 'rejected', reason: 'bulkhead-full' }));
  }

  state(): UpstreamPolicyState {
    return {
      circuit: CIRCUIT_NAMES[this.#breaker.state],
      active: this.#maxConcurrent - this.#bulkhead.executionSlots,
      queued: this.#queueSize - this.#bulkhead.queueSlots,
      maxConcurrent: this.#maxConcurrent,
      queueSize: this.#queueSize,
    };
  }

  onEvent(listener: (event: UpstreamPolicyEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async execute<T>(attempt: (signal: AbortSignal) => Promise<T>, call: PolicyCall): Promise<T> {
    const { signal, deadline, curtailed, admit } = call;
    try {
      return await this.#retry.execute(({ attempt: n }) => {
        // cockatiel looks at the signal before a backoff, not after: a call
        // abandoned during one must not take a place in the queue.
        if (signal.aborted) throw signal.reason;
        const queuedAt = performance.now();
        // The bulkhead sits outside the breaker: a call whose deadline ran
        // out while it queued here never reached the issuer, so it must not
        // count against it. No signal for the bulkhead either: cockatiel 3's
        // queue stalls when a queued call is aborted; the deadline is
        // checked once a slot is free, so a late call gives it back at once.
        const inSlot = () => {
          if (signal.aborted) {
            if (queued && isTimeout(signal.reason)) {
              this.#emit({ type: 'rejected', reason: 'queue-timeout' });
            }
            throw signal.reason;
          }
          // cockatiel lets calls wait for a half-open probe's outcome, each
          // holding its slot for as long as the probe takes: up to the
          // deadline when the issuer hangs. They fail at once instead.
          if (this.#breaker.state === CircuitState.HalfOpen) throw new BrokenCircuitError();
          admit();
          // Let through while open, this attempt is the half-open probe.
          const probe = this.#breaker.state === CircuitState.Open;
          const openedBefore = this.#opened;
          // Half of the time it had on joining the queue went on waiting
          // there: its timeout says nothing of the issuer.
          const now = performance.now();
          const starved = now - queuedAt > (deadline - queuedAt) / 2;
          return this.#breaker.execute(
            () =>
              attempt(signal).catch((error: unknown) => {
                // The longest backoff the next retry can draw: its delay unjittered.
                const again =
                  n < this.#retries &&
                  !signal.aborted &&
                  isRetryable(error, deadline, noJitterGenerator(n, this.#backoff)[0]);
                if (typeof error === 'object' && error !== null) {
                  if (again) this.#retried.add(error);
                  if (probe) this.#probeFailures.add(error);
                  // Only a call's last attempt counts: one failure in five,
                  // each retried, almost never fails a call, but counted per
                  // attempt it opened the circuit every few seconds under
                  // load (5 in a row among hundreds a second) and failed
                  // most requests (`npm run bench -- --faults`, L8). Nor does
                  // a failure count when the circuit has opened since the
                  // attempt went out (and maybe closed again): the failures
                  // that opened it said as much, and the probe has spoken
                  // for the issuer since.
                  const late = !probe && this.#opened !== openedBefore;
                  const forgiven = late || again || ((starved || curtailed) && isTimeout(error));
                  if (forgiven) this.#forgiven.add(error);
                }
                throw error;
              }),
            signal,
          );
        };
        // The bulkhead starts a queued call from the call that freed its
        // slot: bound, it runs in its own request's async context, so its
        // span and traceparent stay in its own trace. A call with a free
        // slot runs at once, here, in its own.
        const queued = this.#bulkhead.executionSlots === 0;
        return this.#bulkhead.execute(
          this.#keepAsyncContext && queued ? AsyncResource.bind(inSlot) : inSlot,
        );
      }, signal);
    } catch (error) {
      throw this.#translate(error);
    }
  }

  #translate(error: unknown): unknown {
    if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
      this.#emit({ type: 'rejected', reason: 'circuit-open' });
      return new UpstreamUnavailableError({ cause: error });
    }
    if (error instanceof BulkheadRejectedError)
      return new UpstreamUnavailableError({ cause: error });
    return error;
  }

  #emit(event: UpstreamPolicyEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

/** The policy the configuration asks for (ENFUCE_RETRIES, ENFUCE_BREAKER_*, ...). */
export function createUpstreamPolicy(
  config: UpstreamConfig,
  { traced = false }: { traced?: boolean } = {},
): UpstreamPolicy {
  return new UpstreamPolicy({
    keepAsyncContext: traced,
    retries: config.retries,
    backoffInitialMs: config.retryBackoffMs,
    backoffMaxMs: config.retryBackoffMaxMs,
    breakerThreshold: config.breakerThreshold,
    halfOpenAfterMs: config.breakerHalfOpenMs,
    maxConcurrent: config.maxConnections,
    queueSize: config.queueSize,
  });
}

/** What the breaker counts: the issuer failing, never the caller asking wrongly (4xx). */
export function countsAgainstIssuer(error: unknown): boolean {
  if (isTimeout(error) || isConnectionFailure(error) || isLastingConnectionFailure(error)) {
    return true;
  }
  const status = (error as Partial<UpstreamError>).status;
  return error instanceof UpstreamUnavailableError && status !== undefined && status >= 500;
}

/**
 * What a GET may be tried again for: a connection that failed before an
 * answer, 502, 503, 504 and 429, when the wait before the retry (the
 * issuer's `Retry-After`, if any, then `backoffMs` at most) ends before the
 * call's deadline, and, after a `Retry-After`, leaves the retry at least as
 * long as the wait.
 * Otherwise it fails now: waiting could only end in a timeout, and the
 * failure, no longer a retried one, counts against the issuer (except a
 * 429). An issuer that asks for most of the time left would otherwise get a
 * retry with too little of it to answer, whose timeout would count.
 */
export function isRetryable(error: unknown, deadline: number, backoffMs: number): boolean {
  if (!isConnectionFailure(error)) {
    if (!(error instanceof UpstreamUnavailableError)) return false;
    if (error.status === undefined || !RETRIED_STATUSES.has(error.status)) return false;
  }
  const retryAfter = error instanceof UpstreamUnavailableError ? error.retryAfter : undefined;
  const asked = retryAfterMs(retryAfter) ?? 0;
  const wait = asked + backoffMs;
  const left = deadline - performance.now();
  return asked > 0 ? 2 * wait <= left : wait < left;
}

// `Sun Nov  6 08:49:37 1994` (RFC 9110 §5.6.7).
const ASCTIME = /^[a-z]{3} [a-z]{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/i;

/** `Retry-After` as ms from now: delay-seconds or an HTTP date (RFC 9110). */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse reads almost anything ("1.5" is a date in 2001); an HTTP-date
  // always starts with a day name.
  if (!/^[a-z]{3}/i.test(text)) return undefined;
  // The obsolete asctime form names no zone, and Date.parse would read it
  // as local time; every HTTP-date is GMT.
  const at = Date.parse(ASCTIME.test(text) ? `${text} GMT` : text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The issuer's `Retry-After`, if any, then the jittered exponential delay:
 * calls held back by the same answer would otherwise all retry at once.
 */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  readonly #inner: IBackoffFactory<unknown>;

  constructor(inner: IBackoffFactory<unknown>) {
    this.#inner = inner;
  }

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const inner = this.#inner.next(context) as IBackoff<unknown>;
    const error = 'error' in context.result ? context.result.error : undefined;
    const wait =
      error instanceof UpstreamUnavailableError ? retryAfterMs(error.retryAfter) : undefined;
    return {
      duration: (wait ?? 0) + inner.duration,
      next: (later) => new RetryAfterBackoff(inner).next(later),
    };
  }
}
