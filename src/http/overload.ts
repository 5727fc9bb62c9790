/**
 * Load shedding. When more requests arrive than the process can answer,
 * they queue inside it: every answer gets slower, memory grows, and callers
 * time out on work the gateway still does. So a new GraphQL request is
 * answered 503 with `Retry-After`, which costs almost nothing and tells
 * callers (and load balancers) to back off, when either
 *
 * - `maxInFlight` requests are already running or waiting: the wait a
 *   caller can meet stays bounded by their number ÷ throughput (Little's
 *   law); it is refused at once; or
 * - the upstream bulkhead's queue has stayed at least half full for the
 *   whole `maxWaitMs` the request waited at the door. Let in, it would only
 *   wait behind those calls, and past the queue its own calls would be
 *   refused one by one, leaving it a partial answer. Requests that need many
 *   calls fill the queue long before `maxInFlight` is reached.
 *
 * Waiting at the door, before any of its work starts, is what lets a burst
 * through whole: after a stall of a few hundred milliseconds (a full garbage
 * collection, a slow moment of the issuer's) the requests that arrived
 * meanwhile would fill the queue at once, although the process has the
 * capacity to answer them all a little later. Under sustained overload the
 * queue stays full, and the door sheds what it cannot let in within
 * `maxWaitMs`, as a proxy's queue timeout does.
 *
 * Counts rather than event-loop delay: at 150 % of capacity the queue forms
 * among requests awaiting upstream slots and CPU turns, and answers took
 * seconds while the loop's mean delay stayed at 10 to 20 ms. A request counts
 * until its answer is ready, not until its socket closes, because a caller
 * that gives up does not stop the work it started.
 */
import type { FastifyReply } from 'fastify';
import type { UpstreamPolicyView } from '../upstream/policy.js';

/** Seconds a shed caller is asked to wait. */
const RETRY_AFTER_SECONDS = 1;

/** A shed request; hardening.ts turns it into a GraphQL-shaped 503. */
export class GatewayOverloadedError extends Error {
  readonly statusCode = 503;
  readonly code = 'GATEWAY_OVERLOADED';
  constructor() {
    super(`The gateway is overloaded; retry after ${RETRY_AFTER_SECONDS} s.`);
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

/** How often, in ms, the door looks at a full upstream queue again. */
const RECHECK_MS = 2;

/** A request waiting at the door. */
interface Waiter {
  admit(): void;
}

/** `handler`, refusing requests while the process is overloaded (see above). */
export function withLoadShedding<
  This,
  Request extends { callerGone: AbortSignal | null },
  Reply extends Pick<FastifyReply, 'header'>,
  Result,
>(
  handler: (this: This, request: Request, reply: Reply) => Result,
  { maxInFlight, upstream, maxWaitMs, onShed, onWaiting }: SheddingPolicy,
): (this: This, request: Request, reply: Reply) => Result | Promise<Awaited<Result>> {
  if (maxInFlight === 0) return handler;
  let inFlight = 0;
  /** First come, first let in. */
  const line: Waiter[] = [];

  const queueHalfFull = (): boolean => {
    const calls = upstream?.state();
    return calls !== undefined && calls.queueSize > 0 && calls.queued * 2 >= calls.queueSize;
  };
  const roomInside = () => inFlight < maxInFlight && !queueHalfFull();

  // While someone waits, the door looks again every turn of the event loop
  // after letting one in, so that one's calls have joined the upstream queue
  // before the next is weighed (a drained queue refilled by the whole line
  // at once would overflow), and every few milliseconds while it is full.
  let pumping = false;
  const letInNext = (): void => {
    if (line.length === 0) {
      pumping = false;
      return;
    }
    if (roomInside()) {
      line[0]!.admit();
      setImmediate(letInNext);
    } else {
      setTimeout(letInNext, RECHECK_MS);
    }
  };
  const startPumping = (): void => {
    if (pumping) return;
    pumping = true;
    setTimeout(letInNext, RECHECK_MS);
  };

  const shed = (reason: ShedReason, reply: Reply): GatewayOverloadedError => {
    onShed?.(reason);
    void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return new GatewayOverloadedError();
  };

  /** Resolves once the request may run; rejects when it is shed or its caller left. */
  const waitAtTheDoor = (request: Request, reply: Reply): Promise<void> =>
    new Promise((resolve, reject) => {
      const gone = request.callerGone;
      const leave = () => {
        clearTimeout(timer);
        gone?.removeEventListener('abort', onGone);
        const at = line.indexOf(waiter);
        if (at !== -1) line.splice(at, 1);
        onWaiting?.(line.length);
      };
      const waiter: Waiter = {
        admit: () => {
          leave();
          resolve();
        },
      };
      // Nobody reads the answer; the request log calls it abandoned.
      const onGone = () => {
        leave();
        reject(new GatewayOverloadedError());
      };
      const timer = setTimeout(() => {
        if (roomInside()) return waiter.admit();
        leave();
        reject(shed('upstream_queue', reply));
      }, maxWaitMs);
      gone?.addEventListener('abort', onGone, { once: true });
      line.push(waiter);
      onWaiting?.(line.length);
      startPumping();
    });

  return async function (request, reply): Promise<Awaited<Result>> {
    if (inFlight + line.length >= maxInFlight) throw shed('in_flight', reply);
    if (line.length > 0 || queueHalfFull()) {
      if (maxWaitMs === 0) throw shed('upstream_queue', reply);
      await waitAtTheDoor(request, reply);
    }
    inFlight++;
    try {
      return await handler.call(this, request, reply);
    } finally {
      inFlight--;
    }
  };
}
