import { describe, expect, it } from 'vitest';
import { UpstreamPolicy } from '../../src/upstream/policy.js';

function call(ms: number) {
  return { signal: AbortSignal.timeout(ms), deadline: performance.now() + ms };
}

describe('UpstreamPolicy', () => {
  it('does not count calls that timed out in its own queue against the issuer', async () => {
    const policy = new UpstreamPolicy({ maxConcurrent: 1, queueSize: 10, breakerThreshold: 2 });
    let sent = 0;
    const slow = policy.execute(async () => {
      sent++;
      await new Promise((resolve) => setTimeout(resolve, 150));
      return 'ok';
    }, call(1000));
    const queued = [1, 2, 3].map(() =>
      policy.execute(async () => {
        sent++;
        return 'late';
      }, call(30)),
    );

    expect(await slow).toBe('ok');
    const outcomes = await Promise.allSettled(queued);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(sent).toBe(1);
    expect(policy.state().circuit).toBe('closed');
    expect(await policy.execute(async () => 'next', call(1000))).toBe('next');
  });
});
