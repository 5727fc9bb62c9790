/**
 * Load shedding. When more requests arrive than the process can answer,
 * they queue inside it: every answer gets slower, memory grows, and callers
 * time out on work the gateway still does. So at most `maxInFlight` GraphQL
 * requests run at once, and the next one is answered 503 with `Retry-After`
 * at once, which costs almost nothing and tells callers (and load
 * balancers) to back off. The wait a caller can meet is then bounded too:
 * in flight ÷ throughput (Little's law).
 *
 * A count rather than event-loop delay: at 150 % of capacity the queue
 * forms among requests awaiting upstream slots and CPU turns, and answers
 * took seconds while the loop's mean delay stayed near 10 ms. A request
 * counts until its answer is ready, not until its socket closes, because a
 * caller that gives up does not stop the work it started.
 */
import type { FastifyReply } from 'fastify';

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

/** `handler`, run for at most `maxInFlight` requests at a time; 0 never sheds. */
export function limitInFlight<This, Request, Reply extends Pick<FastifyReply, 'header'>, Result>(
  handler: (this: This, request: Request, reply: Reply) => Result,
  maxInFlight: number,
): (this: This, request: Request, reply: Reply) => Promise<Awaited<Result>> {
  let inFlight = 0;
  return async function (request, reply): Promise<Awaited<Result>> {
    if (maxInFlight > 0 && inFlight >= maxInFlight) {
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
