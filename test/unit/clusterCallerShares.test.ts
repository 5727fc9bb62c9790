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

  /** Resolves `entered`, letting the primary's answer (or the wait's end) come first. */
  async function settled<T>(entered: Promise<T> | T, advanceMs = 0): Promise<T> {
    await vi.advanceTimersByTimeAsync(advanceMs);
    return entered;
  }

  it('charges the calls of a request let in before its answer came, whenever that answer comes', async () => {
    const { shares, link, release } = workerOver({ maxInFlight: 0, callsPerMinute: 100 });
    // B is let in by the primary; A's answer is held past the worker's wait.
    expect(await settled(shares.enter('alice'))).toBeUndefined();
    link.holding = true;
    expect(await settled(shares.enter('alice'), 1000)).toBeUndefined();

    // A ends before its answer comes, then the answer, then B ends.
    shares.leave('alice', 49);
    release();
    await settled(undefined);
    shares.leave('alice', 29);
    await settled(undefined);

    // 1 + 1 first calls, 49 + 29 more: 80 of 100 spent, so 20 requests left.
    for (let i = 0; i < 20; i++) {
      expect(await settled(shares.enter('alice'))).toBeUndefined();
    }
    expect(await settled(shares.enter('alice'))).toMatchObject({ reason: 'calls' });
  });

  it('gives back the place of a request whose late answer comes after it ended', async () => {
    const { shares, link, release } = workerOver({ maxInFlight: 1, callsPerMinute: 0 });
    link.holding = true;
    expect(await settled(shares.enter('alice'), 1000)).toBeUndefined();
    shares.leave('alice', 0);
    release();
    await settled(undefined);
    // Its place, granted late, went back as soon as it came: one may run again.
    expect(await settled(shares.enter('alice'))).toBeUndefined();
    expect(await settled(shares.enter('alice'))).toMatchObject({ reason: 'in_flight' });
  });

  it('holds the place granted late for a request still running, until it ends', async () => {
    const { shares, link, release } = workerOver({ maxInFlight: 1, callsPerMinute: 0 });
    link.holding = true;
    expect(await settled(shares.enter('alice'), 1000)).toBeUndefined();
    release();
    await settled(undefined);
    expect(await settled(shares.enter('alice'))).toMatchObject({ reason: 'in_flight' });
    shares.leave('alice', 0);
    await settled(undefined);
    expect(await settled(shares.enter('alice'))).toBeUndefined();
  });
});
