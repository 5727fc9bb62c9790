import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import {
  UpstreamCallBudgetError,
  UpstreamCallCancelledError,
  UpstreamResponseError,
  UpstreamUnavailableError,
} from '../../src/upstream/errors.js';
import { UpstreamPolicy, type UpstreamPolicyEvent } from '../../src/upstream/policy.js';

function call(ms: number, { curtailed = false } = {}) {
  return {
    signal: AbortSignal.timeout(ms),
    deadline: performance.now() + ms,
    curtailed,
    admit: () => {},
  };
}

/** An attempt the issuer never answers: it ends when its signal aborts. */
const hangs = (signal: AbortSignal) =>
  new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );

const unavailable = async (): Promise<never> => {
  throw new UpstreamUnavailableError({ status: 503 });
};

/** One 503: with `breakerThreshold: 1`, the circuit opens. */
async function failOnce(policy: UpstreamPolicy): Promise<void> {
  await expect(policy.execute(unavailable, call(1000))).rejects.toBeInstanceOf(
    UpstreamUnavailableError,
  );
}

describe('UpstreamPolicy', () => {
  it.each([429, 404, 400, 401, 403])(
    'never counts a %i against the issuer: the circuit stays closed',
    async (status) => {
      const policy = new UpstreamPolicy({ retries: 0, breakerThreshold: 1 });
      const refused = async (): Promise<never> => {
        throw status === 429
          ? new UpstreamUnavailableError({ status })
          : new UpstreamResponseError(`an unexpected status ${status}`, { status });
      };
      for (let i = 0; i < 3; i++) {
        await expect(policy.execute(refused, call(1000))).rejects.toHaveProperty('status', status);
      }
      expect(policy.state().circuit).toBe('closed');
      // A 503 does count, so the same policy opens on one.
      await failOnce(policy);
      expect(policy.state().circuit).toBe('open');
    },
  );

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
    await failOnce(policy);
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

    await failOnce(policy);
    expect(policy.state().circuit).toBe('open');
  });

  it('fails other calls at once while a half-open probe runs, instead of holding their slots', async () => {
    const policy = new UpstreamPolicy({
      retries: 0,
      breakerThreshold: 1,
      halfOpenAfterMs: 0,
      maxConcurrent: 2,
    });
    await failOnce(policy);

    let probeSettled = false;
    const probe = policy.execute(async () => {
      await sleep(50);
      return 'probe';
    }, call(1000));
    void probe.finally(() => (probeSettled = true));
    expect(policy.state().circuit).toBe('half-open');
    let sent = 0;
    const other = policy.execute(async () => {
      sent++;
      return 'other';
    }, call(1000));
    await expect(other).rejects.toBeInstanceOf(UpstreamUnavailableError);
    // Refused while the probe still runs, not after waiting for its outcome.
    expect(probeSettled).toBe(false);
    expect(sent).toBe(0);
    expect(policy.state().active).toBe(1);

    expect(await probe).toBe('probe');
    expect(policy.state().circuit).toBe('closed');
  });

  it('does not count resets that are retried, so a burst of stale sockets does not open the circuit', async () => {
    const policy = new UpstreamPolicy({ retries: 1, backoffInitialMs: 1, breakerThreshold: 2 });
    const reset = () => Object.assign(new Error('other side closed'), { code: 'ECONNRESET' });
    let attempts = 0;
    // Stale sockets: every call's first attempt is reset, its retry goes through.
    const calls = [1, 2, 3].map(() => {
      let tried = false;
      return policy.execute(async () => {
        attempts++;
        if (!tried) {
          tried = true;
          throw reset();
        }
        return 'ok';
      }, call(1000));
    });
    expect(await Promise.all(calls)).toEqual(['ok', 'ok', 'ok']);
    expect(attempts).toBe(6);
    expect(policy.state().circuit).toBe('closed');

    // Calls that fail for good still count: two of them open the circuit.
    for (let i = 0; i < 2; i++) {
      await expect(
        policy.execute(async () => {
          throw reset();
        }, call(1000)),
      ).rejects.toMatchObject({ code: 'ECONNRESET' });
    }
    expect(policy.state().circuit).toBe('open');
  });

  it('does not count the timeout of an attempt that the queue left less than half of its time', async () => {
    const policy = new UpstreamPolicy({ retries: 0, breakerThreshold: 1, maxConcurrent: 1 });
    const first = policy.execute(async () => {
      await sleep(150);
      return 'first';
    }, call(1000));
    // Queued behind `first` for 150 of its 200 ms: 50 ms left for the issuer.
    const starved = policy.execute(hangs, call(200));
    expect(await first).toBe('first');
    await expect(starved).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(policy.state().circuit).toBe('closed');

    // The same hang with all of its time does count.
    await expect(policy.execute(hangs, call(50))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(policy.state().circuit).toBe('open');
  });

  it('tells of a call whose deadline passed while it waited for a slot, once the slot is free', async () => {
    const policy = new UpstreamPolicy({ retries: 0, maxConcurrent: 1 });
    const events: UpstreamPolicyEvent[] = [];
    policy.onEvent((event) => events.push(event));
    let sent = 0;
    const first = policy.execute(async () => {
      sent++;
      await sleep(150);
      return 'first';
    }, call(1000));
    const late = policy.execute(async () => {
      sent++;
      return 'late';
    }, call(50));
    // The deadline's own abort reaches the caller at once, through the client.
    expect(await first).toBe('first');
    await expect(late).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(sent).toBe(1);
    expect(events).toEqual([{ type: 'rejected', reason: 'queue-timeout' }]);

    // A call cut off on the wire, not in the queue, is the issuer's timeout, not the queue's.
    await expect(policy.execute(hangs, call(30))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(events).toHaveLength(1);
  });

  it("does not count the timeout of a call cut short by its request's deadline", async () => {
    const policy = new UpstreamPolicy({ retries: 0, breakerThreshold: 1 });
    await expect(policy.execute(hangs, call(30, { curtailed: true }))).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(policy.state().circuit).toBe('closed');
    // A failure other than a timeout still counts, curtailed or not.
    await expect(
      policy.execute(unavailable, call(1000, { curtailed: true })),
    ).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(policy.state().circuit).toBe('open');
  });

  it('keeps the circuit open when the caller of a half-open probe goes away', async () => {
    const policy = new UpstreamPolicy({ retries: 0, breakerThreshold: 1, halfOpenAfterMs: 0 });
    await failOnce(policy);

    const cancelled = new UpstreamCallCancelledError();
    const probe = policy.execute(async () => {
      throw cancelled;
    }, call(1000));
    await expect(probe).rejects.toBe(cancelled);
    expect(policy.state().circuit).toBe('open');
  });

  const reset = () => Object.assign(new Error('other side closed'), { code: 'ECONNRESET' });
  const slow503 = () => new UpstreamUnavailableError({ status: 503 });
  it.each([
    // Reset while the probe is out, and retried: not the issuer's failure.
    ['a reset it retries', 'while the probe is out', { retries: 1, backoffInitialMs: 1 }, reset],
    // A slow 503 of a call sent while the circuit was closed: counted, it
    // would reopen the circuit and lose the probe's success, or reopen it
    // once the probe has closed it.
    ['a 503', 'while the probe is out', { retries: 0 }, slow503],
    ['a 503', 'after the probe closed it', { retries: 0 }, slow503],
  ])(
    'lets the probe decide when a call sent before the circuit opened fails with %s %s',
    async (_name, when, options, failure) => {
      const policy = new UpstreamPolicy({ ...options, breakerThreshold: 1, halfOpenAfterMs: 20 });
      let failEarly = () => {};
      const early = policy.execute(
        () =>
          new Promise<never>((_, reject) => {
            failEarly = () => reject(failure());
          }),
        call(1000),
      );
      early.catch(() => undefined);
      await failOnce(policy);
      await sleep(30);

      const probe = policy.execute(async () => {
        await sleep(30);
        return 'probe';
      }, call(1000));
      expect(policy.state().circuit).toBe('half-open');
      if (when === 'after the probe closed it') expect(await probe).toBe('probe');
      failEarly();
      expect(await probe).toBe('probe');
      await early.catch(() => undefined);
      expect(policy.state().circuit).toBe('closed');
      expect(await policy.execute(async () => 'next', call(1000))).toBe('next');
    },
  );

  it('waits out a Retry-After and then a jittered backoff, so calls refused together come back apart', async () => {
    const policy = new UpstreamPolicy({ retries: 1, backoffInitialMs: 200 });
    const delays: number[] = [];
    policy.onEvent((event) => {
      if (event.type === 'retry') delays.push(event.delayMs);
    });
    // Each call's first attempt gets Retry-After: 1; its retry is never sent.
    const refused = async (): Promise<never> => {
      throw new UpstreamUnavailableError({ status: 503, retryAfter: '1' });
    };
    const calls = Array.from({ length: 10 }, () => {
      const controller = new AbortController();
      const deadline = performance.now() + 5000;
      const outcome = policy
        .execute(refused, {
          signal: controller.signal,
          deadline,
          curtailed: false,
          admit: () => {},
        })
        .catch(() => undefined);
      return { controller, outcome };
    });
    await vi.waitFor(() => expect(delays).toHaveLength(10));
    for (const call of calls) call.controller.abort();
    await Promise.all(calls.map((call) => call.outcome));
    // The second's wait, then half to all of the 200 ms backoff.
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(1100);
      expect(delay).toBeLessThanOrEqual(1200);
    }
    expect(new Set(delays).size).toBeGreaterThan(1);
  });

  it('counts the timeout of an attempt that waited out a Retry-After rather than the queue', async () => {
    const policy = new UpstreamPolicy({ retries: 1, breakerThreshold: 1 });
    let attempts = 0;
    const outcome = policy.execute(async (signal) => {
      attempts++;
      if (attempts === 1) throw new UpstreamUnavailableError({ status: 503, retryAfter: '1' });
      // The second attempt goes out after 1.1 s with 1.9 s left, and hangs.
      return hangs(signal);
    }, call(3000));
    await expect(outcome).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(attempts).toBe(2);
    // The 503 was retried and does not count; the timeout ended the call, and does.
    expect(policy.state().circuit).toBe('open');
  });

  it('fails a 429 at once, uncounted, when its Retry-After would leave the retry less time than the wait', async () => {
    const policy = new UpstreamPolicy({ retries: 2, breakerThreshold: 1 });
    let attempts = 0;
    const outcome = policy.execute(async () => {
      attempts++;
      throw new UpstreamUnavailableError({ status: 429, retryAfter: '1' });
    }, call(1500));
    // The wait, 1 s and the 100 ms backoff, would leave the retry 400 ms.
    await expect(outcome).rejects.toMatchObject({ status: 429 });
    expect(attempts).toBe(1);
    expect(policy.state().circuit).toBe('closed');
  });

  it('retries a slow 503 with Retry-After: 0 as one without: the backoff need only fit the deadline', async () => {
    const policy = new UpstreamPolicy({ retries: 1, backoffInitialMs: 300 });
    let attempts = 0;
    const outcome = policy.execute(async () => {
      attempts++;
      if (attempts === 2) return 'answered';
      // About 500 ms left: more than the 300 ms backoff, less than twice it,
      // which a Retry-After that asked for a wait would need.
      await sleep(600);
      throw new UpstreamUnavailableError({ status: 503, retryAfter: '0' });
    }, call(1100));
    expect(await outcome).toBe('answered');
    expect(attempts).toBe(2);
  });

  it('makes no further attempt, and takes no place in the queue, for a call given up during its backoff', async () => {
    const policy = new UpstreamPolicy({
      retries: 2,
      backoffInitialMs: 200,
      maxConcurrent: 1,
      queueSize: 0,
    });
    const rejected: string[] = [];
    policy.onEvent((event) => {
      if (event.type === 'rejected') rejected.push(event.reason);
    });
    const controller = new AbortController();
    let attempts = 0;
    const givenUp = policy.execute(
      async () => {
        attempts++;
        throw new UpstreamUnavailableError({ status: 503 });
      },
      {
        signal: controller.signal,
        deadline: performance.now() + 5000,
        curtailed: false,
        admit() {},
      },
    );
    // While it waits to retry, another call takes the only slot.
    await sleep(20);
    const holder = call(1000);
    const holding = policy.execute(hangs, holder).catch(() => undefined);
    const cancelled = new UpstreamCallCancelledError();
    controller.abort(cancelled);
    await expect(givenUp).rejects.toBe(cancelled);
    expect(attempts).toBe(1);
    expect(rejected).toEqual([]);
    await holding;
  });

  it('fails a 503 at once, and counts it, when the backoff before its retry could outlast the deadline', async () => {
    const policy = new UpstreamPolicy({ retries: 2, backoffInitialMs: 500, breakerThreshold: 1 });
    let attempts = 0;
    const outcome = policy.execute(async () => {
      attempts++;
      throw new UpstreamUnavailableError({ status: 503 });
    }, call(300));
    // The issuer's failure, not a timeout at the end of a backoff.
    await expect(outcome).rejects.toMatchObject({ status: 503 });
    expect(attempts).toBe(1);
    // Not a retried failure: it ended the call, so it counts.
    expect(policy.state().circuit).toBe('open');
  });

  it("counts only a call's last attempt: 503s that a retry gets past never open the circuit", async () => {
    const policy = new UpstreamPolicy({ retries: 2, backoffInitialMs: 1, breakerThreshold: 3 });
    let attempts = 0;
    // Ten calls at once, each failing twice with 503 before it goes through:
    // twenty 503s, many of them in a row.
    const calls = [...Array(10)].map(() => {
      let failures = 0;
      return policy.execute(async () => {
        attempts++;
        if (failures++ < 2) throw new UpstreamUnavailableError({ status: 503 });
        return 'ok';
      }, call(1000));
    });
    expect(await Promise.all(calls)).toEqual(Array(10).fill('ok'));
    expect(attempts).toBe(30);
    expect(policy.state().circuit).toBe('closed');

    // Calls whose last attempt fails count: three of them open it.
    for (let i = 0; i < 3; i++) await failOnce(policy);
    expect(policy.state().circuit).toBe('open');
  });
});
