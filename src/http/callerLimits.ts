/**
 * Limits per caller. Load shedding (overload.ts) guards the process and the
 * issuer against all callers together and cannot tell them apart: one
 * caller sending many costly requests at once fills the upstream queue, and
 * the door then sheds everyone else. These limits give each caller with a
 * verified token (by its issuer and `sub`) a share:
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
 * The count itself is callerShares.ts: this process's, or with
 * `WEB_CONCURRENCY` the cluster primary's, one for every worker.
 *
 * Callers without a verified token (the simulator, `AUTH_DISABLED=true`)
 * are not limited: they name themselves, so one name per request would
 * escape any share, and one name for all would be a second global limit.
 */
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { CallerLedger, RateLimitReason, Refusal } from './callerShares.js';

/** Where a verified caller's requests are let in or refused with 429. */
export class CallerLimits {
  readonly #ledger: CallerLedger;
  readonly #onLimited: ((reason: RateLimitReason) => void) | undefined;
  /** The contexts of requests let in and not answered yet. */
  readonly #admitted = new WeakSet<GatewayContext>();

  /**
   * @param ledger the count of each caller's share (callerShares.ts)
   * @param onLimited told of every refused request (metrics)
   */
  constructor(ledger: CallerLedger, onLimited?: (reason: RateLimitReason) => void) {
    this.#ledger = ledger;
    this.#onLimited = onLimited;
  }

  /**
   * Lets the request in, or rejects with 429 RATE_LIMITED when its caller
   * has `maxInFlight` requests running or has spent its minute's calls.
   * A request let in must be handed to `leave` once answered (`guard`).
   * Undefined when nothing is left to wait for, as without a call budget.
   */
  admit(context: GatewayContext): Promise<void> | undefined {
    const entered = this.#ledger.enter(shareOf(context), context);
    if (entered instanceof Promise)
      return entered.then((refusal) => this.#settle(context, refusal));
    if (entered) return Promise.reject(this.#refuse(entered));
    this.#admitted.add(context);
    return undefined;
  }

  /**
   * Frees the place of a request let in that never ran (shed at the door,
   * or its caller gone while it waited) and gives back the call it was
   * charged: the gateway's overload is not the caller's spending.
   */
  excuse(context: GatewayContext): void {
    if (this.#admitted.delete(context)) this.#ledger.excuse(shareOf(context), context);
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
   * first, unless it held none (never let in, or already left).
   */
  #leave(context: GatewayContext): void {
    if (!this.#admitted.delete(context)) return;
    this.#ledger.leave(shareOf(context), context.upstreamCalls.count - 1, context);
  }

  #settle(context: GatewayContext, refusal: Refusal | undefined): void {
    if (refusal) throw this.#refuse(refusal);
    this.#admitted.add(context);
  }

  #refuse({ reason, retryAfterSeconds }: Refusal): GraphQLError {
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

/**
 * Whose share a request draws on: the caller's `sub` within its token's
 * issuer, so that two issuers' equal `sub`s (a key set holding several
 * issuers' keys, `AUTH_ISSUER` unset) are two callers.
 */
function shareOf({ caller }: GatewayContext): string {
  return JSON.stringify([caller.issuer ?? null, caller.sub]);
}
