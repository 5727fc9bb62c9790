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
 * seconds while the loop's mean delay stayed near 10 ms. A request counts
 * until its answer is ready, not until its socket closes, because a caller
 * that gives up does not stop the work it started.
 */
import type { FastifyReply } from 'fastify';
import type { UpstreamPolicyView } from '../upstream/policy.js';

/** Seconds a shed caller is asked to wait. */
export const RETRY_AFTER_SECONDS = 1;

/** A shed request; hardening.ts turns it into a GraphQL-shaped 503. */
export class GatewayOverloadedError extends Error {
  readonly statusCode = 503;
  readonly code = 'GATEWAY_OVERLOADED';
  constructor() {
    super(`The gateway is overloaded; retry after ${RETRY_AFTER_SECONDS} s.`);
  }
}

export interface SheddingPolicy {
  /** GraphQL requests answered at once; 0 turns shedding off altogether. */
  maxInFlight: number;
  /** The upstream call policy whose bulkhead queue is watched, if any. */
  upstream?: UpstreamPolicyView;
}

/** `handler`, refusing requests while the process is overloaded (see above). */
export function withLoadShedding<This, Request, Reply extends Pick<FastifyReply, 'header'>, Result>(
  handler: (this: This, request: Request, reply: Reply) => Result,
  { maxInFlight, upstream }: SheddingPolicy,
): (this: This, request: Request, reply: Reply) => Result | Promise<Awaited<Result>> {
  if (maxInFlight === 0) return handler;
  let inFlight = 0;
  const overloaded = () => {
    if (inFlight >= maxInFlight) return true;
    const calls = upstream?.state();
    return calls !== undefined && calls.queueSize > 0 && calls.queued * 2 >= calls.queueSize;
  };
  return async function (request, reply): Promise<Awaited<Result>> {
    if (overloaded()) {
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
