import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { UpstreamCallBudgetError, UpstreamUnavailableError } from '../../src/upstream/errors.js';
import { UpstreamPolicy } from '../../src/upstream/policy.js';

function call(ms: number) {
  return { signal: AbortSignal.timeout(ms), deadline: performance.now() + ms, admit: () => {} };
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

  it('leaves a half-open circuit to a real probe when an attempt is refused before it goes out', async () => {
    const policy = new UpstreamPolicy({ retries: 0, breakerThreshold: 1, halfOpenAfterMs: 20 });
    const failing = policy.execute(async () => {
      throw new UpstreamUnavailableError({ status: 503 });
    }, call(1000));
    await expect(failing).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(policy.state().circuit).toBe('open');
    await sleep(30);

    let sent = 0;
    const overBudget = new UpstreamCallBudgetError(1);
    const refused = policy.execute(
      async () => {
        sent++;
        return 'sent';
      },
      {
        ...call(1000),
        admit: () => {
          throw overBudget;
        },
      },
    );
    await expect(refused).rejects.toBe(overBudget);
    expect(sent).toBe(0);
    expect(policy.state().circuit).not.toBe('closed');

    const probe = policy.execute(async () => {
      throw new UpstreamUnavailableError({ status: 503 });
    }, call(1000));
    await expect(probe).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(policy.state().circuit).toBe('open');
  });

  it('keeps the circuit open when a call that waited on a failed probe becomes the next one and may not go out', async () => {
    // halfOpenAfterMs 0: the call that waited on the probe becomes the next probe at once.
    const policy = new UpstreamPolicy({ retries: 0, breakerThreshold: 1, halfOpenAfterMs: 0 });
    const unavailable = async () => {
      throw new UpstreamUnavailableError({ status: 503 });
    };
    await expect(policy.execute(unavailable, call(1000))).rejects.toBeInstanceOf(
      UpstreamUnavailableError,
    );
    expect(policy.state().circuit).toBe('open');

    const probe = policy.execute(async () => {
      await sleep(20);
      throw new UpstreamUnavailableError({ status: 503 });
    }, call(1000));
    expect(policy.state().circuit).toBe('half-open');
    // Admitted while the probe runs; its request's budget is spent before its turn comes.
    const overBudget = new UpstreamCallBudgetError(1);
    const waiting = policy.execute(async () => {
      throw overBudget;
    }, call(1000));

    await expect(probe).rejects.toBeInstanceOf(UpstreamUnavailableError);
    await expect(waiting).rejects.toBe(overBudget);
    expect(policy.state().circuit).toBe('open');
  });
});
