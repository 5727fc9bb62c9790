/**
 * Limits per caller. Load shedding (overload.ts) guards the process and the
 * issuer against all callers together and cannot tell them apart: one
 * caller sending many costly requests at once fills the upstream queue, and
 * the door then sheds everyone else. These limits give each caller with a
 * verified token (by its `sub`) a share:
 *
 * - at most `maxInFlight` requests running at once; and
 * - at most `callsPerMinute` upstream calls in a minute, a request counted
 *   as the calls it made and at least one.
 *
 * They count cost, not HTTP requests: one GraphQL request may need one call
 * or two hundred, and a count of requests would let the costly ones through
 * (RELIABILITY.md puts rate limits in the GraphQL layer for that reason).
 * What a request costs is known only once it has run, so a caller is let
 * in while its minute is not spent: each request is charged its first call
 * as it is let in and the rest when its answer is ready. A caller with n
 * calls left can so start n requests at once, and overdraw by what they
 * make beyond their first; `maxInFlight` caps those n, and config.ts warns
 * when it is unset.
 *
 * Callers without a verified token (the simulator, `AUTH_DISABLED=true`)
 * are not limited: they name themselves, so one name per request would
 * escape any share, and one name for all would be a second global limit.
 */
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { GatewayContext } from '../context.js';

/** Which share a refused request had used up. */
export type RateLimitReason = 'in_flight' | 'calls';

export interface CallerLimitsPolicy {
  /** Requests one caller may have running at once; 0: no limit. */
  maxInFlight: number;
  /** Upstream calls one caller may cause in a minute; 0: no limit. */
  callsPerMinute: number;
  /** Told of every refused request (metrics). */
  onLimited?: (reason: RateLimitReason) => void;
}

/** Where a verified caller's requests are let in or refused with 429. */
export class CallerLimits {
  readonly #maxInFlight: number;
  readonly #calls: RateLimiterMemory | undefined;
  readonly #onLimited: ((reason: RateLimitReason) => void) | undefined;
  /** Requests running, by caller; a caller with none has no entry. */
  readonly #inFlight = new Map<string, number>();
  /** The contexts of requests let in and not answered yet. */
  readonly #admitted = new WeakSet<GatewayContext>();

  constructor(policy: CallerLimitsPolicy) {
    this.#maxInFlight = policy.maxInFlight;
    this.#calls =
      policy.callsPerMinute > 0
        ? new RateLimiterMemory({ points: policy.callsPerMinute, duration: 60 })
        : undefined;
    this.#onLimited = policy.onLimited;
  }

  /**
   * Lets the request in, or rejects with 429 RATE_LIMITED when its caller
   * has `maxInFlight` requests running or has spent its minute's calls.
   * A request let in must be handed to `leave` once answered (`guard`).
   * Undefined when nothing is left to wait for, as without a call budget.
   */
  admit(context: GatewayContext): Promise<void> | undefined {
    const { sub } = context.caller;
    const running = this.#inFlight.get(sub) ?? 0;
    if (this.#maxInFlight > 0 && running >= this.#maxInFlight) {
      return Promise.reject(this.#refuse('in_flight', 1));
    }
    // Counted before the wait below, so that requests of one caller
    // arriving in the same turn are weighed against each other.
    this.#inFlight.set(sub, running + 1);
    this.#admitted.add(context);
    if (!this.#calls) return undefined;
    // The request's first call, charged now so that a caller's minute runs
    // out even with requests that make none.
    return this.#calls.consume(sub).then(
      () => undefined,
      (spent: unknown) => {
        if (!(spent instanceof RateLimiterRes)) throw spent;
        this.#leave(context);
        throw this.#refuse('calls', Math.max(1, Math.ceil(spent.msBeforeNext / 1000)));
      },
    );
  }

  /**
   * Frees the place of a request let in that never ran (shed at the door,
   * or its caller gone while it waited) and gives back the call it was
   * charged: the gateway's overload is not the caller's spending.
   */
  excuse(context: GatewayContext): void {
    if (!this.#leave(context)) return;
    void this.#calls?.reward(context.caller.sub, 1);
  }

  /** `handler`, handing every request it let in to `leave` once answered. */
  guard<This, Request extends { gatewayContext: GatewayContext | null }, Reply, Result>(
    handler: (this: This, request: Request, reply: Reply) => Result,
  ): (this: This, request: Request, reply: Reply) => Promise<Awaited<Result>> {
    const leave = (context: GatewayContext | null): void => {
      if (context) this.#leave(context);
    };
    return async function (request, reply): Promise<Awaited<Result>> {
      try {
        return await handler.call(this, request, reply);
      } finally {
        leave(request.gatewayContext);
      }
    };
  }

  /**
   * Frees the request's place and charges the calls it made beyond its
   * first; false when it held none (never let in, or already left).
   */
  #leave(context: GatewayContext): boolean {
    if (!this.#admitted.delete(context)) return false;
    const { sub } = context.caller;
    const running = this.#inFlight.get(sub)! - 1;
    if (running === 0) this.#inFlight.delete(sub);
    else this.#inFlight.set(sub, running);
    const beyondFirst = context.upstreamCalls.count - 1;
    if (this.#calls && beyondFirst > 0) void this.#calls.penalty(sub, beyondFirst);
    return true;
  }

  #refuse(reason: RateLimitReason, retryAfterSeconds: number): GraphQLError {
    this.#onLimited?.(reason);
    return new GraphQLError(
      `Too many requests from this caller; retry after ${retryAfterSeconds} s.`,
      {
        extensions: {
          code: 'RATE_LIMITED',
          http: {
            status: 429,
            headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]),
          },
        },
      },
    );
  }
}
