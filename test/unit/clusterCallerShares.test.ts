/**
 * The cluster primary's count of caller shares (src/cluster/callerShares.ts),
 * driven as primary.ts drives it: workers' messages in, answers out through
 * `send`, and `forget` when a worker dies. Over real processes in
 * test/e2e/cluster.test.ts.
 */
import type { Worker } from 'node:cluster';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { describe, expect, it, vi } from 'vitest';
import { HostCallerShares } from '../../src/cluster/callerShares.js';
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
