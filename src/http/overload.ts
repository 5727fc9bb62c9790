/**
 * Load shedding. When more requests arrive than the process can answer,
 * they queue inside it: every answer gets slower, memory grows, and callers
 * time out on work the gateway still does. So a GraphQL request is answered
 * 503 with `Retry-After`, which costs almost nothing and tells callers (and
 * load balancers) to back off, when either
 *
 * - `maxInFlight` requests are already running or waiting: it is refused at
 *   once, and the wait a caller can meet stays bounded by their number ÷
 *   throughput (Little's law); or
 * - it has waited `maxWaitMs` at the door without being let in. A request
 *   waits there, once its caller is authenticated and before its operation
 *   runs, while the upstream bulkhead's queue is at least half full or
 *   others wait before it: let in, it would only wait behind those calls,
 *   and past the queue its own calls would be refused one by one, leaving
 *   it a partial answer. Requests that need many calls fill the queue long
 *   before `maxInFlight` is reached.
 *
 * Waiting rather than refusing at once is what lets a burst through whole:
 * after a stall of a few hundred milliseconds (a full garbage collection, a
 * slow moment of the issuer's) the requests that arrived meanwhile would
 * fill the queue at once, although the process can answer them all a little
 * later. Under sustained overload the queue stays full, and the door sheds
 * what it cannot let in within `maxWaitMs`, as a proxy's queue timeout does.
 *
 * Counts rather than event-loop delay: at 150 % of capacity the queue forms
 * among requests awaiting upstream slots and CPU turns, and answers took
 * seconds while the loop's mean delay stayed at 10 to 20 ms. A request counts
 * until its answer is ready, not until its socket closes, because a caller
 * that gives up does not stop the work it started.
 */
import { HeaderMap } from '@apollo/server';
import type { FastifyReply } from 'fastify';
import { GraphQLError } from 'graphql';
import type { UpstreamPolicyView } from '../upstream/policy.js';

/** Seconds a shed caller is asked to wait. */
const RETRY_AFTER_SECONDS = 1;

const OVERLOADED_MESSAGE = `The gateway is overloaded; retry after ${RETRY_AFTER_SECONDS} s.`;

/** A request shed before Apollo Server saw it; hardening.ts turns it into a GraphQL-shaped 503. */
export class GatewayOverloadedError extends Error {
  readonly statusCode = 503;
  readonly code = 'GATEWAY_OVERLOADED';
  constructor() {
    super(OVERLOADED_MESSAGE);
  }
}

/** Why a request was shed: the gateway's own limit, or the issuer's calls queueing. */
export type ShedReason = 'in_flight' | 'upstream_queue';

export interface SheddingPolicy {
  /** GraphQL requests running or waiting at once; 0 turns shedding off altogether. */
  maxInFlight: number;
  /** The upstream call policy whose bulkhead queue is watched, if any. */
  upstream?: UpstreamPolicyView;
  /** How long a request may wait for the upstream queue to fall below half; 0 sheds at once. */
  maxWaitMs: number;
  /** Told of every shed request (metrics). */
  onShed?: (reason: ShedReason) => void;
  /** Told how many requests wait at the door whenever that changes (metrics). */
  onWaiting?: (waiting: number) => void;
}

/** How often, in ms, the door looks at a half-full upstream queue again. */
const RECHECK_MS = 2;

/** A request waiting at the door. */
interface Waiter {
  admit(): void;
}

/** Where a GraphQL request may be refused or held for overload (see above). */
export class LoadShedder {
  readonly #maxInFlight: number;
  readonly #upstream: UpstreamPolicyView | undefined;
  readonly #maxWaitMs: number;
  readonly #onShed: ((reason: ShedReason) => void) | undefined;
  readonly #onWaiting: ((waiting: number) => void) | undefined;
  /** Requests running or waiting at the door. */
  #inFlight = 0;
  /** Requests waiting at the door, first come, first let in. */
  readonly #line: Waiter[] = [];
  #pumping = false;

  constructor(policy: SheddingPolicy) {
    this.#maxInFlight = policy.maxInFlight;
    this.#upstream = policy.upstream;
    this.#maxWaitMs = policy.maxWaitMs;
    this.#onShed = policy.onShed;
    this.#onWaiting = policy.onWaiting;
  }

  /** `handler`, answering 503 at once while `maxInFlight` requests are running or waiting. */
  guard<This, Request, Reply extends Pick<FastifyReply, 'header'>, Result>(
    handler: (this: This, request: Request, reply: Reply) => Result,
  ): (this: This, request: Request, reply: Reply) => Result | Promise<Awaited<Result>> {
    if (this.#maxInFlight === 0) return handler;
    const enter = (reply: Reply): void => {
      if (this.#inFlight >= this.#maxInFlight) {
        // With waiters among them, the issuer is what holds them up.
        this.#onShed?.(this.#line.length > 0 ? 'upstream_queue' : 'in_flight');
        void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        throw new GatewayOverloadedError();
      }
      this.#inFlight++;
    };
    const leave = (): void => {
      this.#inFlight--;
    };
    return async function (request, reply): Promise<Awaited<Result>> {
      enter(reply);
      try {
        return await handler.call(this, request, reply);
      } finally {
        leave();
      }
    };
  }

  /**
   * The door: resolves at once, or once the upstream queue is below half
   * with nobody before this request; rejects with 503 GATEWAY_OVERLOADED
   * after `maxWaitMs`, or when `callerGone` aborts. Called once the caller
   * is authenticated, right before the operation runs, so that the calls it
   * makes have joined the queue before the next request is weighed: a
   * verification that takes a turn of the thread pool would otherwise let a
   * whole burst past a queue that has not filled yet.
   */
  waitToStart(callerGone: AbortSignal | null): Promise<void> | undefined {
    if (this.#maxInFlight === 0) return undefined;
    if (this.#line.length === 0 && !this.#queueHalfFull()) return undefined;
    // A caller that has gone is not one the gateway shed.
    if (callerGone?.aborted) return Promise.reject(new RequestCancelledError());
    if (this.#maxWaitMs === 0) return Promise.reject(this.#shedAtTheDoor());
    return new Promise((resolve, reject) => {
      const line = this.#line;
      const leave = () => {
        clearTimeout(timer);
        callerGone?.removeEventListener('abort', onGone);
        const at = line.indexOf(waiter);
        if (at !== -1) line.splice(at, 1);
        this.#onWaiting?.(line.length);
      };
      const waiter: Waiter = {
        admit: () => {
          leave();
          resolve();
        },
      };
      const onGone = () => {
        leave();
        reject(new RequestCancelledError());
      };
      const timer = setTimeout(() => {
        if (line[0] === waiter && !this.#queueHalfFull()) return waiter.admit();
        leave();
        reject(this.#shedAtTheDoor());
      }, this.#maxWaitMs);
      callerGone?.addEventListener('abort', onGone, { once: true });
      line.push(waiter);
      this.#onWaiting?.(line.length);
      this.#startPumping();
    });
  }

  #queueHalfFull(): boolean {
    const calls = this.#upstream?.state();
    return calls !== undefined && calls.queueSize > 0 && calls.queued * 2 >= calls.queueSize;
  }

  #shedAtTheDoor(): GraphQLError {
    this.#onShed?.('upstream_queue');
    return new GraphQLError(OVERLOADED_MESSAGE, {
      extensions: {
        code: 'GATEWAY_OVERLOADED',
        http: {
          status: 503,
          headers: new HeaderMap([['retry-after', String(RETRY_AFTER_SECONDS)]]),
        },
      },
    });
  }

  // While someone waits, the door looks again every turn of the event loop
  // after letting one in (whose calls queue within that turn), and every few
  // milliseconds while the queue is half full.
  #startPumping(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    const letInNext = (): void => {
      if (this.#line.length === 0) {
        this.#pumping = false;
      } else if (!this.#queueHalfFull()) {
        this.#line[0]!.admit();
        setImmediate(letInNext);
      } else {
        setTimeout(letInNext, RECHECK_MS);
      }
    };
    setTimeout(letInNext, RECHECK_MS);
  }
}

/** The caller hung up while its request waited to start; nobody reads this answer. */
class RequestCancelledError extends GraphQLError {
  constructor() {
    super('The caller went away before the request started.', {
      // nginx's "client closed request", for the request log.
      extensions: { code: 'REQUEST_CANCELLED', http: { status: 499 } },
    });
  }
}
