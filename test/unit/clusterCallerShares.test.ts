/**
 * The cluster primary's count of caller shares (src/cluster/callerShares.ts),
 * driven as primary.ts drives it: workers' messages in, answers out through
 * `send`, and `forget` when a worker dies; then a worker's side of it. Over
 * real processes in test/e2e/cluster.test.ts.
 */
import type { Worker } from 'node:cluster';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallerSharesViaPrimary, HostCallerShares } from '../../src/cluster/callerShares.js';
import type { CallerEntered } from '../../src/cluster/messages.js';

function hostOf(maxInFlight: number, callsPerMinute: number) {
  const answers = new Map<number, CallerEntered>();
  /** Whether answers reach their worker; a lost one calls `lost`, as `sendTo` does. */
  const link = { up: true };
  const host = new HostCallerShares({ maxInFlight, callsPerMinute }, (_worker, answer, lost) => {
    if (link.up) answers.set(answer.id, answer);
    else lost();
  });
  let nextId = 0;
  /** One worker's request for `caller`: what the primary answered. */
  const enter = async (worker: Worker, caller: string) => {
    const id = nextId++;
    expect(host.receive(worker, { type: 'gateway:caller-enter', id, caller })).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    const answer = answers.get(id);
    if (!answer) return 'no answer';
    return answer.refusal?.reason ?? 'let in';
  };
  const leave = (worker: Worker, caller: string, callsBeyondFirst: number | 'excused' = 0) =>
    host.receive(worker, { type: 'gateway:caller-leave', caller, callsBeyondFirst });
  return { host, link, enter, leave };
}

const workerA = { id: 1 } as Worker;
const workerB = { id: 2 } as Worker;

describe("the cluster primary's count of caller shares", () => {
  it("counts one caller's requests on every worker against one share", async () => {
    const { enter, leave } = hostOf(2, 0);
    expect(await enter(workerA, 'alice')).toBe('let in');
    expect(await enter(workerB, 'alice')).toBe('let in');
    expect(await enter(workerA, 'alice')).toBe('in_flight');
    expect(await enter(workerB, 'bob')).toBe('let in');
    leave(workerB, 'alice');
    expect(await enter(workerA, 'alice')).toBe('let in');
  });

  it('charges the calls a worker reports, and gives the first back for an excused request', async () => {
    const { enter, leave } = hostOf(0, 4);
    expect(await enter(workerA, 'alice')).toBe('let in');
    leave(workerA, 'alice', 'excused');
    expect(await enter(workerB, 'alice')).toBe('let in');
    leave(workerB, 'alice', 2);
    // Three of four spent: one more request, and the minute is over.
    expect(await enter(workerA, 'alice')).toBe('let in');
    expect(await enter(workerA, 'alice')).toBe('calls');
  });

  it('lets a request in when the count fails, holding no place it would give back twice', async () => {
    const { enter, leave } = hostOf(2, 5);
    expect(await enter(workerA, 'alice')).toBe('let in');
    vi.spyOn(RateLimiterMemory.prototype, 'consume').mockRejectedValueOnce(new Error('lost'));
    expect(await enter(workerB, 'alice')).toBe('let in');
    // Its end gives nothing back: alice still holds the first request's place, and one more.
    leave(workerB, 'alice');
    expect(await enter(workerB, 'alice')).toBe('let in');
    expect(await enter(workerB, 'alice')).toBe('in_flight');
    vi.restoreAllMocks();
  });

  it('gives back the places a dead worker held, and only those', async () => {
    const { host, enter, leave } = hostOf(2, 0);
    await enter(workerA, 'alice');
    await enter(workerA, 'alice');
    expect(await enter(workerB, 'alice')).toBe('in_flight');
    host.forget(workerA);
    expect(await enter(workerB, 'alice')).toBe('let in');
    // A worker cannot give back what another holds, nor what it held before it died.
    leave(workerA, 'alice');
    leave(workerA, 'alice');
    expect(await enter(workerB, 'alice')).toBe('let in');
    expect(await enter(workerB, 'alice')).toBe('in_flight');
  });

  it('gives back the place and the call of an answer that could not reach its worker', async () => {
    const { host, link, enter } = hostOf(1, 2);
    link.up = false;
    expect(await enter(workerA, 'alice')).toBe('no answer');
    link.up = true;
    expect(await enter(workerB, 'alice')).toBe('let in');
    // The request never ran: its call too is the next one's.
    expect(await enter(workerA, 'alice')).toBe('in_flight');
    // And the dead worker's exit gives nothing back twice.
    host.forget(workerA);
    expect(await enter(workerA, 'alice')).toBe('in_flight');
  });

  it('leaves other messages to the primary', () => {
    const { host } = hostOf(1, 0);
    expect(host.receive(workerA, { type: 'gateway:metrics-answer' })).toBe(false);
    expect(host.receive(workerA, undefined)).toBe(false);
  });
});

/**
 * A worker's side (CallerSharesViaPrimary) wired to the primary's count over
 * a channel whose answers can be held back, as a primary busy for over a
 * second holds them; driven for one caller, alice, under fake timers. Each
 * request is an object of its own, as each request's context is.
 */
function workerOver(policy: { maxInFlight: number; callsPerMinute: number }) {
  const held: CallerEntered[] = [];
  let holding = false;
  let deliver: (message: unknown) => void = () => undefined;
  const host = new HostCallerShares(policy, (_worker, answer) => {
    if (holding) held.push(answer);
    else deliver(answer);
  });
  const shares = new CallerSharesViaPrimary({
    connected: true,
    send: (message, done) => {
      host.receive(workerA, message);
      done(null);
    },
    onMessage: (listener) => {
      deliver = listener;
    },
  });
  /** Lets the primary's count, and what it answers, run. */
  const turn = () => vi.advanceTimersByTimeAsync(0);
  const enter = async (request: object = {}) => {
    const entered = shares.enter('alice', request);
    // A held answer: the worker's wait of 1 s lets the request in, once the
    // messages that came meanwhile are read (a setImmediate, which the fake
    // clock runs a tick later).
    await vi.advanceTimersByTimeAsync(holding ? 1001 : 0);
    return entered;
  };
  const leave = async (request: object, callsBeyondFirst = 0) => {
    shares.leave('alice', callsBeyondFirst, request);
    await turn();
  };
  return {
    enter,
    leave,
    excuse: async (request: object) => {
      shares.excuse('alice', request);
      await turn();
    },
    /** Answers from now on are held until `release`. */
    hold: () => {
      holding = true;
    },
    release: async () => {
      holding = false;
      for (const answer of held.splice(0)) deliver(answer);
      await turn();
    },
    /** Whether `n` more requests of one call each are let in, and the next is refused for its calls. */
    callsLeft: async (n: number) => {
      for (let i = 0; i < n; i++) {
        const request = {};
        expect(await enter(request)).toBeUndefined();
        await leave(request);
      }
      expect(await enter()).toMatchObject({ reason: 'calls' });
    },
  };
}

describe("a worker's view of the primary's count", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('charges the calls of a request that ended before its late answer came, once it comes', async () => {
    const worker = workerOver({ maxInFlight: 1, callsPerMinute: 100 });
    const [a, c] = [{}, {}];
    worker.hold();
    // A gets the one place, C is refused; neither answer comes in time.
    expect(await Promise.all([worker.enter(a), worker.enter(c)])).toEqual([undefined, undefined]);
    await worker.leave(c, 3);
    await worker.leave(a, 49);
    await worker.release();
    // A's first call and its 49 more: 50 of 100 spent; C, refused, is charged nothing.
    await worker.callsLeft(50);
  });

  it.each([
    // Granted late: A's place came and went with it, B keeps its own.
    ['granted', 2, 1],
    // Refused late: A held no place, so its end frees none of B's.
    ['refused', 1, 0],
  ])(
    "keeps a caller's requests apart: one %s late never gives back another's place",
    async (_answer, maxInFlight, placesLeft) => {
      const worker = workerOver({ maxInFlight, callsPerMinute: 0 });
      const [a, b] = [{}, {}];
      expect(await worker.enter(b)).toBeUndefined();
      worker.hold();
      expect(await worker.enter(a)).toBeUndefined();
      await worker.leave(a, 5);
      await worker.release();
      const others = [{}, {}];
      for (const other of others.slice(0, placesLeft)) {
        expect(await worker.enter(other)).toBeUndefined();
      }
      expect(await worker.enter()).toMatchObject({ reason: 'in_flight' });
      // B's end, told twice, gives back its one place only.
      await worker.leave(b);
      await worker.leave(b);
      expect(await worker.enter()).toBeUndefined();
      expect(await worker.enter()).toMatchObject({ reason: 'in_flight' });
    },
  );

  it('holds a place granted late for a request still running, until it ends', async () => {
    const worker = workerOver({ maxInFlight: 1, callsPerMinute: 0 });
    const a = {};
    worker.hold();
    expect(await worker.enter(a)).toBeUndefined();
    await worker.release();
    expect(await worker.enter()).toMatchObject({ reason: 'in_flight' });
    await worker.leave(a);
    expect(await worker.enter()).toBeUndefined();
  });

  it('gives back the first call of a request excused before its late answer came', async () => {
    const worker = workerOver({ maxInFlight: 0, callsPerMinute: 3 });
    const a = {};
    worker.hold();
    expect(await worker.enter(a)).toBeUndefined();
    await worker.excuse(a);
    await worker.release();
    await worker.callsLeft(3);
  });
});

describe("a worker's wait for the primary, after its own loop stalled", () => {
  it('reads an answer that came during the stall before it lets the request in unanswered', async () => {
    // Answers travel as IPC's do: read by the event loop's poll, after timers.
    const { port1: primarySide, port2: workerSide } = new MessageChannel();
    const answers: CallerEntered[] = [];
    const host = new HostCallerShares({ maxInFlight: 1, callsPerMinute: 0 }, (_worker, answer) =>
      answers.push(answer),
    );
    const shares = new CallerSharesViaPrimary({
      connected: true,
      send: (message, done) => {
        host.receive(workerA, message);
        done(null);
      },
      onMessage: (listener) => void workerSide.on('message', listener),
    });
    try {
      const first = shares.enter('alice', {});
      await vi.waitFor(() => expect(answers).toHaveLength(1));
      primarySide.postMessage(answers[0]);
      expect(await first).toBeUndefined();

      const second = shares.enter('alice', {});
      await vi.waitFor(() => expect(answers).toHaveLength(2));
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          // The primary's refusal comes while a full collection, say, holds
          // the worker's loop for longer than the second's wait of 1 s.
          primarySide.postMessage(answers[1]);
          const until = Date.now() + 1200;
          while (Date.now() < until);
          resolve();
        }),
      );
      expect(await second).toMatchObject({ reason: 'in_flight' });
    } finally {
      primarySide.close();
    }
  });
});
