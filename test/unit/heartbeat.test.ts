import type { Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchHeartbeats } from '../../src/cluster/heartbeat.js';

function fakeWorker(id: number) {
  const kill = vi.fn();
  return { worker: { id, process: { kill } } as unknown as Worker, kill };
}

function watch() {
  const errors: unknown[] = [];
  const logger = { error: (fields: unknown) => errors.push(fields) } as unknown as Logger;
  const pinged: number[] = [];
  const heartbeats = watchHeartbeats(logger, (worker) => pinged.push(worker.id));
  return { heartbeats, errors, pinged };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the primary's heartbeat", () => {
  it('kills a worker that leaves three pings in a row unanswered, on the fourth tick', () => {
    vi.useFakeTimers();
    const { heartbeats, errors, pinged } = watch();
    const { worker, kill } = fakeWorker(1);
    heartbeats.listening(worker);
    vi.advanceTimersByTime(15_000);
    expect(pinged).toEqual([1, 1, 1]);
    expect(kill).not.toHaveBeenCalled();
    vi.advanceTimersByTime(5_000);
    expect(kill).toHaveBeenCalledWith('SIGKILL');
    expect(errors).toEqual([{ worker: 1, unansweredPings: 3 }]);
    // Once: the exit restarts it, and nothing is sent to it any more.
    vi.advanceTimersByTime(20_000);
    expect(kill).toHaveBeenCalledTimes(1);
    expect(pinged).toHaveLength(3);
    heartbeats.stop();
  });

  it('keeps a worker that answers, however late within three pings', () => {
    vi.useFakeTimers();
    const { heartbeats } = watch();
    const { worker, kill } = fakeWorker(2);
    heartbeats.listening(worker);
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(15_000);
      heartbeats.answered(worker);
    }
    expect(kill).not.toHaveBeenCalled();
    heartbeats.stop();
  });

  it('counts a long pause of its own as one missed ping, not as silence of every worker', () => {
    vi.useFakeTimers();
    const { heartbeats } = watch();
    const workers = [fakeWorker(3), fakeWorker(4)];
    for (const { worker } of workers) heartbeats.listening(worker);
    // The clock jumps a minute; the interval fires once for it, as after a pause.
    vi.setSystemTime(Date.now() + 60_000);
    vi.advanceTimersByTime(5_000);
    for (const { worker } of workers) heartbeats.answered(worker);
    vi.advanceTimersByTime(10_000);
    for (const { kill } of workers) expect(kill).not.toHaveBeenCalled();
    heartbeats.stop();
  });

  it('watches no worker after it exited, nor any once the primary stops', () => {
    vi.useFakeTimers();
    const { heartbeats, pinged } = watch();
    const one = fakeWorker(5);
    const two = fakeWorker(6);
    heartbeats.listening(one.worker);
    heartbeats.listening(two.worker);
    heartbeats.exited(one.worker);
    vi.advanceTimersByTime(5_000);
    expect(pinged).toEqual([6]);
    heartbeats.stop();
    vi.advanceTimersByTime(60_000);
    expect(pinged).toEqual([6]);
    expect(two.kill).not.toHaveBeenCalled();
  });
});
