/**
 * Per-caller limits across `WEB_CONCURRENCY` workers. The primary keeps the
 * one count (http/callerShares.ts) and each worker asks it for a place as a
 * request comes in, so a caller's share is the host's: counted per worker,
 * N workers would give every caller N shares. The price is one IPC round
 * trip per request of a verified caller, paid only while a limit is set.
 */
import type { Worker } from 'node:cluster';
import {
  CallerShares,
  countDown,
  countUp,
  type CallerLedger,
  type CallerSharesPolicy,
  type Refusal,
} from '../http/callerShares.js';
import type { CallerEnter, CallerEntered, CallerLeave } from './messages.js';

type Send = (worker: Worker, message: CallerEntered, lost: () => void) => void;

/** The primary answers in well under a millisecond; this long means its answer is lost. */
const ENTER_TIMEOUT_MS = 1000;

/** In the primary: one count for the callers of every worker. */
export class HostCallerShares {
  readonly #shares: CallerShares;
  readonly #send: Send;
  /** Places each worker holds, by caller: what it held is given back when it dies. */
  readonly #held = new Map<Worker, Map<string, number>>();

  /** @param send sends to a worker, calling `lost` when the message cannot go */
  constructor(policy: CallerSharesPolicy, send: Send) {
    this.#shares = new CallerShares(policy);
    this.#send = send;
  }

  /** Handles a worker's message about caller shares; false for any other message. */
  receive(worker: Worker, message: unknown): boolean {
    // From this gateway's own workers, so its shape is as they send it.
    const sent = message as CallerEnter | CallerLeave | { type?: undefined } | null | undefined;
    if (sent?.type === 'gateway:caller-enter') {
      void this.#enter(worker, sent);
      return true;
    }
    if (sent?.type === 'gateway:caller-leave') {
      this.#release(worker, sent.sub, sent.callsBeyondFirst);
      return true;
    }
    return false;
  }

  /**
   * Gives back every place a worker that died held. Its requests' calls
   * beyond their first are not charged: they died with it, uncounted.
   */
  forget(worker: Worker): void {
    const held = this.#held.get(worker);
    this.#held.delete(worker);
    for (const [sub, places] of held ?? []) {
      for (let i = 0; i < places; i++) this.#shares.leave(sub, 0);
    }
  }

  async #enter(worker: Worker, { id, sub }: CallerEnter): Promise<void> {
    // A count that fails (the in-memory limiter does not) lets the request
    // in rather than take the primary, and every worker with it, down. It
    // holds no place then: the failed count gave its place back.
    let counted = true;
    const refusal = await Promise.resolve(this.#shares.enter(sub)).catch(() => {
      counted = false;
      return undefined;
    });
    if (!refusal && counted) {
      const held = this.#held.get(worker) ?? new Map<string, number>();
      countUp(held, sub);
      this.#held.set(worker, held);
    }
    const answer: CallerEntered = {
      type: 'gateway:caller-entered',
      id,
      sub,
      ...(refusal && { refusal }),
    };
    // A worker gone before the answer never ran the request.
    this.#send(worker, answer, () => {
      if (!refusal && counted) this.#release(worker, sub, 'excused');
    });
  }

  /** Gives back one place `worker` holds for `sub`; nothing when it holds none. */
  #release(worker: Worker, sub: string, callsBeyondFirst: number | 'excused'): void {
    const held = this.#held.get(worker);
    if (!held || !countDown(held, sub)) return;
    if (held.size === 0) this.#held.delete(worker);
    if (callsBeyondFirst === 'excused') this.#shares.excuse(sub);
    else this.#shares.leave(sub, callsBeyondFirst);
  }
}

/**
 * In a worker: the primary's count, asked over the IPC channel. A request
 * whose answer does not come within `ENTER_TIMEOUT_MS` is let in rather
 * than held: the limits are a fair share, not an access check, and a
 * request that waits on a lost answer would hold its place at the door.
 */
export class CallerSharesViaPrimary implements CallerLedger {
  #nextId = 0;
  #listening = false;
  readonly #pending = new Map<number, (refusal?: Refusal) => void>();
  /**
   * Places the primary granted this worker and not given back, by caller:
   * only those go back. A request let in without one (its answer late)
   * may give back the place of another of its caller's requests early,
   * which that one then does not give back: the count is right again once
   * both have ended.
   */
  readonly #granted = new Map<string, number>();

  enter(sub: string): Promise<Refusal | undefined> | undefined {
    if (!process.connected) return undefined;
    if (!this.#listening) {
      // For good: an answer that comes after its wait is over still counts.
      process.on('message', this.#onAnswer);
      this.#listening = true;
    }
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(), ENTER_TIMEOUT_MS);
      const settle = (refusal?: Refusal) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(refusal);
      };
      this.#pending.set(id, settle);
      const message: CallerEnter = { type: 'gateway:caller-enter', id, sub };
      process.send!(message, undefined, undefined, (error: Error | null) => {
        if (error) settle();
      });
    });
  }

  leave(sub: string, callsBeyondFirst: number): void {
    if (countDown(this.#granted, sub)) {
      this.#tell({ type: 'gateway:caller-leave', sub, callsBeyondFirst });
    }
  }

  excuse(sub: string): void {
    if (countDown(this.#granted, sub)) {
      this.#tell({ type: 'gateway:caller-leave', sub, callsBeyondFirst: 'excused' });
    }
  }

  #tell(message: CallerLeave): void {
    // With the channel closed the primary is gone, and its count with it.
    if (process.connected) process.send!(message, undefined, undefined, () => {});
  }

  readonly #onAnswer = (message: CallerEntered | null | undefined): void => {
    if (message?.type !== 'gateway:caller-entered') return;
    const settle = this.#pending.get(message.id);
    if (!message.refusal) {
      // Granted: counted here even when the wait is over, so that a late
      // grant goes straight back.
      countUp(this.#granted, message.sub);
      if (!settle) this.excuse(message.sub);
    }
    settle?.(message.refusal);
  };
}
