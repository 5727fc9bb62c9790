/**
 * The count behind each caller's share (callerLimits.ts): requests running
 * and upstream calls spent this minute, by caller (a key of its token's
 * issuer and `sub`). A single process keeps it itself; with
 * `WEB_CONCURRENCY` the cluster primary keeps the one count for every
 * worker (cluster/callerShares.ts), so a caller's share is the host's and
 * not each worker's.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** Which share a refused request had used up. */
export type RateLimitReason = 'in_flight' | 'calls';

/** Why a request was not let in, and when its caller may try again. */
export interface Refusal {
  reason: RateLimitReason;
  retryAfterSeconds: number;
}

export interface CallerSharesPolicy {
  /** Requests one caller may have running at once; 0: no limit. */
  maxInFlight: number;
  /** Upstream calls one caller may cause in a minute; 0: no limit. */
  callsPerMinute: number;
}

/**
 * What callerLimits.ts needs of the count, wherever it is kept. `request`
 * is the same object for one request's calls, for a count that must tell a
 * caller's requests apart (cluster/callerShares.ts).
 */
export interface CallerLedger {
  /**
   * Takes a place for one request of `caller` and charges its first call; the
   * refusal instead when the caller has no place or no call left.
   */
  enter(caller: string, request: object): Promise<Refusal | undefined> | Refusal | undefined;
  /** Gives the place back and charges the calls the request made beyond its first. */
  leave(caller: string, callsBeyondFirst: number, request: object): void;
  /** Gives the place and the first call back: the request never ran. */
  excuse(caller: string, request: object): void;
}

/** The count itself, in this process. */
export class CallerShares implements CallerLedger {
  readonly #maxInFlight: number;
  readonly #calls: RateLimiterMemory | undefined;
  /** Requests running, by caller; a caller with none has no entry. */
  readonly #inFlight = new Map<string, number>();

  constructor(policy: CallerSharesPolicy) {
    this.#maxInFlight = policy.maxInFlight;
    this.#calls =
      policy.callsPerMinute > 0
        ? new RateLimiterMemory({ points: policy.callsPerMinute, duration: 60 })
        : undefined;
  }

  enter(caller: string): Promise<Refusal | undefined> | Refusal | undefined {
    // The place first, in this turn, so requests of one caller that arrive
    // together are weighed against each other.
    const noPlace = this.#takePlace(caller);
    const calls = this.#calls;
    if (!calls) return noPlace;
    if (noPlace) {
      // A caller whose minute is spent is told so, with the seconds left,
      // rather than to retry in 1 s only to hear it then.
      return calls
        .get(caller)
        .then((used) => (used && used.remainingPoints === 0 ? callsSpent(used) : noPlace));
    }
    // The request's first call, charged now so that a caller's minute runs
    // out even with requests that make none.
    return calls.consume(caller).then(
      () => undefined,
      (spent: unknown) => {
        // The place is freed whatever failed: the request does not run.
        this.#freePlace(caller);
        if (!(spent instanceof RateLimiterRes)) throw spent;
        return callsSpent(spent);
      },
    );
  }

  leave(caller: string, callsBeyondFirst: number): void {
    this.#freePlace(caller);
    if (this.#calls && callsBeyondFirst > 0) void this.#calls.penalty(caller, callsBeyondFirst);
  }

  excuse(caller: string): void {
    this.#freePlace(caller);
    void this.#calls?.reward(caller, 1);
  }

  #takePlace(caller: string): Refusal | undefined {
    if (this.#maxInFlight > 0 && (this.#inFlight.get(caller) ?? 0) >= this.#maxInFlight) {
      return { reason: 'in_flight', retryAfterSeconds: 1 };
    }
    countUp(this.#inFlight, caller);
    return undefined;
  }

  #freePlace(caller: string): void {
    countDown(this.#inFlight, caller);
  }
}

export function countUp<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * Takes one from `key`'s count, forgetting a key at zero so that callers
 * gone leave nothing behind; false when it had none.
 */
export function countDown<K>(counts: Map<K, number>, key: K): boolean {
  const count = counts.get(key);
  if (count === undefined) return false;
  if (count === 1) counts.delete(key);
  else counts.set(key, count - 1);
  return true;
}

function callsSpent(used: RateLimiterRes): Refusal {
  return { reason: 'calls', retryAfterSeconds: Math.max(1, Math.ceil(used.msBeforeNext / 1000)) };
}
