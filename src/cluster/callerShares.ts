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
      this.#release(worker, sent.caller, sent.callsBeyondFirst);
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
    for (const [caller, places] of held ?? []) {
      for (let i = 0; i < places; i++) this.#shares.leave(caller, 0);
    }
  }

  async #enter(worker: Worker, { id, caller }: CallerEnter): Promise<void> {
    // A count that fails (the in-memory limiter does not) lets the request
    // in rather than take the primary, and every worker with it, down. It
    // holds no place then: the failed count gave its place back.
    let counted = true;
    const refusal = await Promise.resolve(this.#shares.enter(caller)).catch(() => {
      counted = false;
      return undefined;
    });
    if (!refusal && counted) {
      const held = this.#held.get(worker) ?? new Map<string, number>();
      countUp(held, caller);
      this.#held.set(worker, held);
    }
    const answer: CallerEntered = {
      type: 'gateway:caller-entered',
      id,
      caller,
      ...(refusal && { refusal }),
    };
    // A worker gone before the answer never ran the request.
    this.#send(worker, answer, () => {
      if (!refusal && counted) this.#release(worker, caller, 'excused');
    });
  }

  /** Gives back one place `worker` holds for `caller`; nothing when it holds none. */
  #release(worker: Worker, caller: string, callsBeyondFirst: number | 'excused'): void {
    const held = this.#held.get(worker);
    if (!held || !countDown(held, caller)) return;
    if (held.size === 0) this.#held.delete(worker);
    if (callsBeyondFirst === 'excused') this.#shares.excuse(caller);
    else this.#shares.leave(caller, callsBeyondFirst);
  }
}

/** How a worker talks to its primary: the IPC channel `process` holds. */
export interface PrimaryChannel {
  readonly connected: boolean;
  send(message: CallerEnter | CallerLeave, done: (error: Error | null) => void): void;
  onMessage(listener: (message: unknown) => void): void;
}

const processChannel: PrimaryChannel = {
  get connected() {
    return process.connected;
  },
  send: (message, done) => void process.send!(message, undefined, undefined, done),
  onMessage: (listener) => void process.on('message', listener),
};

/** One request of a caller, as a worker knows it. */
interface Admission {
  readonly caller: string;
  /** The primary's answer: a place, none, or not come yet. */
  granted: boolean | undefined;
  /** What the request reported as it ended before its answer came. */
  ended?: number | 'excused';
}

/**
 * In a worker: the primary's count, asked over the IPC channel. A request
 * whose answer does not come within `ENTER_TIMEOUT_MS` is let in rather
 * than held: the limits are a fair share, not an access check, and a
 * request that waits on a lost answer would hold its place at the door.
 * Its answer, when it comes, still settles the count: a place granted late
 * goes back when the request ends, with its calls, or at once if it has
 * ended already. Each request is known by its own object, so that one
 * caller's requests never give back each other's places.
 */
export class CallerSharesViaPrimary implements CallerLedger {
  readonly #channel: PrimaryChannel;
  #nextId = 0;
  #listening = false;
  readonly #pending = new Map<number, (refusal?: Refusal) => void>();
  readonly #admissions = new WeakMap<object, Admission>();
  /** Requests let in before their answer came, by the id the answer names. */
  readonly #late = new Map<number, Admission>();

  constructor(channel: PrimaryChannel = processChannel) {
    this.#channel = channel;
  }

  enter(caller: string, request: object): Promise<Refusal | undefined> | undefined {
    if (!this.#channel.connected) return undefined;
    if (!this.#listening) {
      // For good: an answer that comes after its wait is over still counts.
      this.#channel.onMessage(this.#onAnswer);
      this.#listening = true;
    }
    const id = this.#nextId++;
    const admission: Admission = { caller, granted: undefined };
    this.#admissions.set(request, admission);
    return new Promise((resolve) => {
      const settle = (refusal?: Refusal) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(refusal);
      };
      const timer = setTimeout(() => {
        // After a stall of the worker's own loop, timers run before the
        // messages that came meanwhile are read: an answer may be waiting.
        // setImmediate runs once they are.
        setImmediate(() => {
          if (!this.#pending.has(id)) return;
          this.#late.set(id, admission);
          settle();
        });
      }, ENTER_TIMEOUT_MS);
      this.#pending.set(id, (refusal) => {
        admission.granted = !refusal;
        settle(refusal);
      });
      this.#channel.send({ type: 'gateway:caller-enter', id, caller }, (error) => {
        // Never sent: no answer will come, and no place is held.
        if (!error) return;
        if (this.#pending.has(id)) {
          admission.granted = false;
          settle();
        } else {
          this.#answeredLate(id, false);
        }
      });
    });
  }

  leave(_caller: string, callsBeyondFirst: number, request: object): void {
    this.#end(request, callsBeyondFirst);
  }

  excuse(_caller: string, request: object): void {
    this.#end(request, 'excused');
  }

  #end(request: object, report: number | 'excused'): void {
    const admission = this.#admissions.get(request);
    if (admission === undefined) return;
    this.#admissions.delete(request);
    // Its answer has not come: it reports when it does.
    if (admission.granted === undefined) admission.ended = report;
    else if (admission.granted) this.#tell(admission.caller, report);
  }

  #tell(caller: string, callsBeyondFirst: number | 'excused'): void {
    // With the channel closed the primary is gone, and its count with it.
    if (this.#channel.connected) {
      this.#channel.send({ type: 'gateway:caller-leave', caller, callsBeyondFirst }, () => {});
    }
  }

  readonly #onAnswer = (received: unknown): void => {
    const message = received as CallerEntered | null | undefined;
    if (message?.type !== 'gateway:caller-entered') return;
    const settle = this.#pending.get(message.id);
    if (settle) settle(message.refusal);
    else this.#answeredLate(message.id, !message.refusal);
  };

  /** The answer to a request let in without it: a place `granted`, or none. */
  #answeredLate(id: number, granted: boolean): void {
    const admission = this.#late.get(id);
    if (admission === undefined) return;
    this.#late.delete(id);
    admission.granted = granted;
    if (granted && admission.ended !== undefined) this.#tell(admission.caller, admission.ended);
  }
}
