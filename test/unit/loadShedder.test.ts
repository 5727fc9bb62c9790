/**
 * The door of src/http/overload.ts on its own: what it answers a request
 * while the upstream queue is half full. Over HTTP in test/e2e/overload.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LoadShedder, type ShedReason } from '../../src/http/overload.js';
import type { UpstreamPolicyView } from '../../src/upstream/policy.js';

/** An upstream whose bulkhead queue holds `queued` of 256 calls. */
function upstreamQueueing(queued: number): UpstreamPolicyView {
  return {
    state: () => ({ circuit: 'closed', active: 32, queued, maxConcurrent: 32, queueSize: 256 }),
    onEvent: () => () => {},
  };
}

function door(maxWaitMs: number) {
  const shed: ShedReason[] = [];
  const shedder = new LoadShedder({
    maxInFlight: 100,
    maxWaitMs,
    upstream: upstreamQueueing(200),
    onShed: (reason) => shed.push(reason),
  });
  return { shedder, shed };
}

const codeOf = (outcome: Promise<void> | undefined) =>
  outcome?.then(
    () => 'let in',
    (error: { extensions?: { code?: unknown } }) => error.extensions?.code,
  );

describe('the door, with the upstream queue half full', () => {
  it.each([0, 50])(
    'answers a caller already gone REQUEST_CANCELLED, not shed (ADMISSION_WAIT_MS=%i)',
    async (maxWaitMs) => {
      const { shedder, shed } = door(maxWaitMs);
      expect(await codeOf(shedder.waitToStart(AbortSignal.abort()))).toBe('REQUEST_CANCELLED');
      expect(shed).toEqual([]);
    },
  );

  it('sheds a caller still there at once when it may not wait', async () => {
    const { shedder, shed } = door(0);
    expect(await codeOf(shedder.waitToStart(new AbortController().signal))).toBe(
      'GATEWAY_OVERLOADED',
    );
    expect(shed).toEqual(['upstream_queue']);
  });
});
