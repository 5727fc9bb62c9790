import { describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../src/simulator/requestLog.js';
import { traceRequests } from '../../src/simulator/traces.js';

/** A call of request `id` from `startedAt` to `endedAt` ms after the time origin; open without an end. */
function call(id: string, startedAt: number, endedAt?: number): RequestLogEntry {
  const origin = performance.timeOrigin;
  return {
    seq: 1,
    method: 'GET',
    path: '/account/v4/1',
    route: 'accountV4',
    id: '1',
    query: {},
    headers: { 'x-request-id': id },
    authorized: true,
    connection: 1,
    startedAt: origin + startedAt,
    endedAt: endedAt === undefined ? undefined : origin + endedAt,
    status: endedAt === undefined ? undefined : 200,
    bytesWritten: endedAt === undefined ? undefined : 100,
    faultId: undefined,
  };
}

describe("the simulator's upstream traces", () => {
  it('counts a call still open as lasting until now, in the wave it started', () => {
    const now = performance.now();
    const traces = traceRequests([call('t-1', now - 100), call('t-1', now - 90, now - 80)], 't-');
    expect(traces['t-1']!.calls).toBe(2);
    // Open is not failed: it has not answered yet.
    expect(traces['t-1']!.failed).toBe(0);
    // One wave: the second call left before the first (open) one answered.
    expect(traces['t-1']!.waves).toBe(1);
    expect(traces['t-1']!.criticalMs).toBeGreaterThanOrEqual(100);
  });

  it('measures closed calls by their ends, and counts a call after an answer as a new wave', () => {
    const traces = traceRequests(
      [call('t-2', 0, 10), call('t-2', 5, 12), call('t-2', 20, 30), call('u-1', 0, 50)],
      't-',
    );
    expect(traces).toEqual({
      't-2': { calls: 3, waves: 2, criticalMs: expect.closeTo(22, 3), failed: 0 },
    });
  });
});
