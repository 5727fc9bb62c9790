/**
 * The cluster primary's count of caller shares (src/cluster/callerShares.ts),
 * driven as primary.ts drives it: workers' messages in, answers out through
 * `send`, and `forget` when a worker dies; then a worker's side of it. Over
 * real processes in test/e2e/cluster.test.ts.
 */
import type { Worker } from 'node:cluster';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CallerSharesViaPrimary,
  HostCallerShares,
  type PrimaryChannel,
} from '../../src/cluster/callerShares.js';
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
  /** One worker's request for `sub`: what the primary answered. */
  const enter = async (worker: Worker, sub: string) => {
    const id = nextId++;
    expect(host.receive(worker, { type: 'gateway:caller-enter', id, sub })).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    const answer = answers.get(id);
    if (!answer) return 'no answer';
    return answer.refusal?.reason ?? 'let in';
  };
  const leave = (worker: Worker, sub: string, callsBeyondFirst: number | 'excused' = 0) =>
    host.receive(worker, { type: 'gateway:caller-leave', sub, callsBeyondFirst });
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
 * second holds them.
 */
function workerOver(policy: { maxInFlight: number; callsPerMinute: number }) {
  const held: CallerEntered[] = [];
  const link = { holding: false };
  let deliver: (message: unknown) => void = () => undefined;
  const host = new HostCallerShares(policy, (_worker, answer) => {
    if (link.holding) held.push(answer);
    else deliver(answer);
  });
  const channel: PrimaryChannel = {
    connected: true,
    send: (message, done) => {
      host.receive(workerA, message);
      done(null);
    },
    onMessage: (listener) => {
      deliver = listener;
    },
  };
  const shares = new CallerSharesViaPrimary(channel);
  const release = () => {
    link.holding = false;
    for (const answer of held.splice(0)) deliver(answer);
  };
  return { shares, link, release };
}

describe("a worker's view of the primary's count", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** `entered` once the primary's answer, or the worker's wait of 1 s, had its turn. */
  async function settled<T>(entered: Promise<T> | T, advanceMs = 0): Promise<T> {
    await vi.advanceTimersByTimeAsync(advanceMs);
    return entered;
  }

  /** Requests of alice, each its own object, as each request's context is. */
  function alice(shares: CallerSharesViaPrimary) {
    return {
      enter: (request: object, advanceMs = 0) => settled(shares.enter('alice', request), advanceMs),
      leave: (request: object, calls: number) => shares.leave('alice', calls, request),
      excuse: (request: object) => shares.excuse('alice', request),
    };
  }

  /** Whether `n` more requests of one call each are let in, and the next is refused for its calls. */
  async function callsLeft(shares: CallerSharesViaPrimary, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const request = {};
      expect(await settled(shares.enter('alice', request))).toBeUndefined();
      shares.leave('alice', 0, request);
    }
    expect(await settled(shares.enter('alice', {}))).toMatchObject({ reason: 'calls' });
  }

  it('charges the calls of a request that ended before its late answer came, once it comes', async () => {
    const { shares, link, release } = workerOver({ maxInFlight: 1, callsPerMinute: 100 });
    const a = {};
    const c = {};
    const requests = alice(shares);
    link.holding = true;
    // A gets the one place, C is refused; neither answer comes in time.
    const entered = [shares.enter('alice', a), shares.enter('alice', c)];
    await vi.advanceTimersByTimeAsync(1000);
    expect(await Promise.all(entered)).toEqual([undefined, undefined]);
    requests.leave(c, 3);
    requests.leave(a, 49);
    release();
    await settled(undefined);
    // A's first call and its 49 more: 50 of 100 spent; C, refused, is charged nothing.
    await callsLeft(shares, 50);
  });

  it("keeps a caller's requests apart: one answered late never gives back another's place", async () => {
    const { shares, link, release } = workerOver({ maxInFlight: 2, callsPerMinute: 100 });
    const b = {};
    const a = {};
    const requests = alice(shares);
    expect(await requests.enter(b)).toBeUndefined();
    link.holding = true;
    expect(await requests.enter(a, 1000)).toBeUndefined();
    // A ends, then is answered: B still holds its place, and A's came and went.
    requests.leave(a, 49);
    release();
    await settled(undefined);
    const d = {};
    expect(await requests.enter(d)).toBeUndefined();
    expect(await requests.enter({})).toMatchObject({ reason: 'in_flight' });
    requests.leave(b, 29);
    requests.leave(d, 0);
    await settled(undefined);
    // Calls: 1 + 1 + 1 first calls, 49 + 29 more: 81 of 100.
    await callsLeft(shares, 19);
  });

  it('holds a place granted late for a request still running, until it ends', async () => {
    const { shares, link, release } = workerOver({ maxInFlight: 1, callsPerMinute: 0 });
    const a = {};
    const requests = alice(shares);
    link.holding = true;
    expect(await requests.enter(a, 1000)).toBeUndefined();
    release();
    await settled(undefined);
    expect(await requests.enter({})).toMatchObject({ reason: 'in_flight' });
    requests.leave(a, 0);
    await settled(undefined);
    expect(await requests.enter({})).toBeUndefined();
  });

  it('gives back the first call of a request excused before its late answer came', async () => {
    const { shares, link, release } = workerOver({ maxInFlight: 0, callsPerMinute: 3 });
    const a = {};
    const requests = alice(shares);
    link.holding = true;
    expect(await requests.enter(a, 1000)).toBeUndefined();
    requests.excuse(a);
    release();
    await settled(undefined);
    await callsLeft(shares, 3);
  });

  it('sends nothing for a request refused late, and gives nothing back twice', async () => {
    const { shares, link, release } = workerOver({ maxInFlight: 1, callsPerMinute: 0 });
    const b = {};
    const a = {};
    const requests = alice(shares);
    expect(await requests.enter(b)).toBeUndefined();
    link.holding = true;
    // Refused by the primary (B holds the one place), but let in by the wait.
    expect(await requests.enter(a, 1000)).toBeUndefined();
    requests.leave(a, 5);
    release();
    await settled(undefined);
    // B still holds the place; A held none, so its end freed none.
    expect(await requests.enter({})).toMatchObject({ reason: 'in_flight' });
    requests.leave(b, 0);
    requests.leave(b, 0);
    await settled(undefined);
    const c = {};
    expect(await requests.enter(c)).toBeUndefined();
    expect(await requests.enter({})).toMatchObject({ reason: 'in_flight' });
  });
});
