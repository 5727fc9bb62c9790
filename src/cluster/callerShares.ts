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
  type CallerLedger,
  type CallerSharesPolicy,
  type Refusal,
} from '../http/callerShares.js';
import type { CallerEnter, CallerEntered, CallerLeave } from './messages.js';

type Send = (worker: Worker, message: CallerEntered, lost: () => void) => void;

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
    const refusal = await this.#shares.enter(sub);
    if (!refusal) {
      const held = this.#held.get(worker) ?? new Map<string, number>();
      held.set(sub, (held.get(sub) ?? 0) + 1);
      this.#held.set(worker, held);
    }
    const answer: CallerEntered = {
      type: 'gateway:caller-entered',
      id,
      ...(refusal && { refusal }),
    };
    // A worker gone before the answer never ran the request.
    this.#send(worker, answer, () => {
      if (!refusal) this.#release(worker, sub, 'excused');
    });
  }

  /** Gives back one place `worker` holds for `sub`; nothing when it holds none. */
  #release(worker: Worker, sub: string, callsBeyondFirst: number | 'excused'): void {
    const held = this.#held.get(worker);
    const places = held?.get(sub);
    if (!held || places === undefined) return;
    if (places === 1) held.delete(sub);
    else held.set(sub, places - 1);
    if (held.size === 0) this.#held.delete(worker);
    if (callsBeyondFirst === 'excused') this.#shares.excuse(sub);
    else this.#shares.leave(sub, callsBeyondFirst);
  }
}

/**
 * In a worker: the primary's count, asked over the IPC channel. Should the
 * channel close (the primary gone, the worker stopping), requests are let in
 * rather than held: the limits are a fair share, not an access check.
 */
export class PrimaryCallerShares implements CallerLedger {
  #nextId = 0;
  readonly #pending = new Map<number, (refusal: Refusal | undefined) => void>();

  enter(sub: string): Promise<Refusal | undefined> | undefined {
    if (!process.connected) return undefined;
    if (this.#pending.size === 0) {
      process.on('message', this.#onAnswer);
      process.on('disconnect', this.#letEveryoneIn);
    }
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      const message: CallerEnter = { type: 'gateway:caller-enter', id, sub };
      process.send!(message, undefined, undefined, (error: Error | null) => {
        if (error && this.#pending.delete(id)) resolve(undefined);
      });
    });
  }

  leave(sub: string, callsBeyondFirst: number): void {
    this.#tell({ type: 'gateway:caller-leave', sub, callsBeyondFirst });
  }

  excuse(sub: string): void {
    this.#tell({ type: 'gateway:caller-leave', sub, callsBeyondFirst: 'excused' });
  }

  #tell(message: CallerLeave): void {
    // With the channel closed the primary is gone, and its count with it.
    if (process.connected) process.send!(message, undefined, undefined, () => {});
  }

  readonly #onAnswer = (message: CallerEntered | null | undefined): void => {
    if (message?.type !== 'gateway:caller-entered') return;
    const resolve = this.#pending.get(message.id);
    if (!resolve) return;
    this.#settle(message.id);
    resolve(message.refusal);
  };

  readonly #letEveryoneIn = (): void => {
    for (const [id, resolve] of this.#pending) {
      this.#settle(id);
      resolve(undefined);
    }
  };

  #settle(id: number): void {
    this.#pending.delete(id);
    // No listener left means the IPC channel no longer keeps the worker alive.
    if (this.#pending.size === 0) {
      process.off('message', this.#onAnswer);
      process.off('disconnect', this.#letEveryoneIn);
    }
  }
}
