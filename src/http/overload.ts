/**
 * Load shedding. When more requests arrive than the process can answer,
 * they queue inside it: every answer gets slower, memory grows, and callers
 * time out on work the gateway still does. So a new GraphQL request is
 * answered 503 with `Retry-After` at once, which costs almost nothing and
 * tells callers (and load balancers) to back off, when either
 *
 * - `maxInFlight` requests are already running: the wait a caller can meet
 *   stays bounded by in flight ÷ throughput (Little's law); or
 * - the upstream bulkhead's queue is at least half full: the new request
 *   would only wait behind those calls, and past the queue its own calls
 *   would be refused one by one, leaving it a partial answer. Requests that
 *   need many calls fill the queue long before `maxInFlight` is reached.
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
  /** GraphQL requests answered at once; 0 turns shedding off altogether. */
  maxInFlight: number;
  /** The upstream call policy whose bulkhead queue is watched, if any. */
  upstream?: UpstreamPolicyView;
  /** Told of every shed request (metrics). */
  onShed?: (reason: ShedReason) => void;
}

/** `handler`, refusing requests while the process is overloaded (see above). */
export function withLoadShedding<This, Request, Reply extends Pick<FastifyReply, 'header'>, Result>(
  handler: (this: This, request: Request, reply: Reply) => Result,
  { maxInFlight, upstream, onShed }: SheddingPolicy,
): (this: This, request: Request, reply: Reply) => Result | Promise<Awaited<Result>> {
  if (maxInFlight === 0) return handler;
  let inFlight = 0;
  const overload = (): ShedReason | undefined => {
    if (inFlight >= maxInFlight) return 'in_flight';
    const calls = upstream?.state();
    const queueing = calls !== undefined && calls.queueSize > 0;
    return queueing && calls.queued * 2 >= calls.queueSize ? 'upstream_queue' : undefined;
  };
  return async function (request, reply): Promise<Awaited<Result>> {
    const reason = overload();
    if (reason !== undefined) {
      onShed?.(reason);
      void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      throw new GatewayOverloadedError();
    }
    inFlight++;
    try {
      return await handler.call(this, request, reply);
    } finally {
      inFlight--;
    }
  };
}
