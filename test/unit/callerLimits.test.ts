/**
 * Each verified caller's share (src/http/callerLimits.ts): requests running
 * at once, and upstream calls a minute, each request's first charged as it
 * is let in and the rest as it ends. Driven the
 * way server.ts drives it: `admit` inside the handler `guard` wraps.
 */
import { GraphQLError } from 'graphql';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GatewayContext } from '../../src/context.js';
import { CallerLimits } from '../../src/http/callerLimits.js';
import { CallerShares, type RateLimitReason } from '../../src/http/callerShares.js';

function contextOf(sub: string): GatewayContext {
  return {
    caller: { sub, customerId: null, anyCustomer: true },
    upstreamCalls: { count: 0, closed: false },
  } as unknown as GatewayContext;
}

function limitsOf(maxInFlight: number, callsPerMinute: number) {
  const limited: RateLimitReason[] = [];
  const limits = new CallerLimits(new CallerShares({ maxInFlight, callsPerMinute }), (reason) =>
    limited.push(reason),
  );
  /**
   * One request of `context`'s caller: let in, then `work` (which may make
   * calls), then answered. Resolves to what the caller gets: 'ok' or the code.
   */
  const request = (context: GatewayContext, work: () => Promise<void> = async () => {}) =>
    limits.guard(async (req: { gatewayContext: GatewayContext | null }) => {
      try {
        await limits.admit(req.gatewayContext!);
      } catch (error) {
        return refusal(error);
      }
      await work();
      return 'ok';
    })({ gatewayContext: context }, {});
  return { limits, limited, request };
}

function refusal(error: unknown) {
  expect(error).toBeInstanceOf(GraphQLError);
  const { code, http } = (error as GraphQLError).extensions as {
    code: string;
    http: { status: number; headers: Map<string, string> };
  };
  return { code, status: http.status, retryAfter: Number(http.headers.get('retry-after')) };
}

/** A request that makes `calls` upstream calls and ends when `done` resolves. */
function making(context: GatewayContext, calls: number, done: Promise<void> = Promise.resolve()) {
  return async () => {
    context.upstreamCalls.count += calls;
    await done;
  };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('caller limits: requests running at once', () => {
  it('refuses a caller its next request at the limit, and only that caller', async () => {
    const { limited, request } = limitsOf(2, 0);
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const alice = [contextOf('alice'), contextOf('alice')];
    const running = alice.map((context) => request(context, () => held));

    expect(await request(contextOf('alice'))).toEqual({
      code: 'RATE_LIMITED',
      status: 429,
      retryAfter: 1,
    });
    expect(await request(contextOf('bob'))).toBe('ok');
    expect(limited).toEqual(['in_flight']);

    finish();
    expect(await Promise.all(running)).toEqual(['ok', 'ok']);
    // Answered: both places are free again.
    expect(await Promise.all([request(contextOf('alice')), request(contextOf('alice'))])).toEqual([
      'ok',
      'ok',
    ]);
  });

  it('weighs requests of one caller arriving in the same turn against each other', async () => {
    // With a call budget too, whose check takes a turn of its own.
    const { request } = limitsOf(1, 100);
    const never = new Promise<void>(() => {});
    const answers = [request(contextOf('alice'), () => never), request(contextOf('alice'))];
    expect(await answers[1]).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('frees the place of a request that failed', async () => {
    const { request } = limitsOf(1, 0);
    await expect(
      request(contextOf('alice'), async () => {
        throw new Error('resolver crashed');
      }),
    ).rejects.toThrow('resolver crashed');
    expect(await request(contextOf('alice'))).toBe('ok');
  });
});

describe('caller limits: upstream calls a minute', () => {
  it('charges each request its calls, at least one, and refuses once the minute is spent', async () => {
    vi.useFakeTimers({ now: 0, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const { limited, request } = limitsOf(0, 5);
    const first = contextOf('alice');
    expect(await request(first, making(first, 3))).toBe('ok');
    // No calls still counts one.
    expect(await request(contextOf('alice'))).toBe('ok');
    const third = contextOf('alice');
    // Let in with one call left; its four are charged when it ends.
    expect(await request(third, making(third, 4))).toBe('ok');

    vi.setSystemTime(20_000);
    expect(await request(contextOf('alice'))).toEqual({
      code: 'RATE_LIMITED',
      status: 429,
      // The minute began at 0.
      retryAfter: 40,
    });
    expect(limited).toEqual(['calls']);
    expect(await request(contextOf('bob'))).toBe('ok');

    // The next minute starts afresh.
    vi.advanceTimersByTime(40_000);
    expect(await request(contextOf('alice'))).toBe('ok');
  });

  it('tells a caller whose minute is spent so, even while its requests hold every place', async () => {
    vi.useFakeTimers({ now: 0, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const { limited, request } = limitsOf(1, 1);
    let running = false;
    void request(contextOf('alice'), () => {
      running = true;
      return new Promise<void>(() => {});
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(running).toBe(true);
    vi.setSystemTime(15_000);
    // Not "retry after 1 s": the caller's next call is 45 s away.
    expect(await request(contextOf('alice'))).toEqual({
      code: 'RATE_LIMITED',
      status: 429,
      retryAfter: 45,
    });
    expect(limited).toEqual(['calls']);
  });

  it('gives back the call of a request refused for its place', async () => {
    const { limited, request } = limitsOf(1, 2);
    let finish!: () => void;
    const held = request(contextOf('alice'), () => new Promise<void>((r) => (finish = r)));
    expect(await request(contextOf('alice'))).toMatchObject({ code: 'RATE_LIMITED' });
    finish();
    expect(await held).toBe('ok');
    // The minute's second call is still there, and then it is spent.
    expect(await request(contextOf('alice'))).toBe('ok');
    expect(await request(contextOf('alice'))).toMatchObject({ code: 'RATE_LIMITED' });
    expect(limited).toEqual(['in_flight', 'calls']);
  });

  it('gives back the place of a request refused for calls at once', async () => {
    vi.useFakeTimers({ now: 0, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const { limits, limited, request } = limitsOf(1, 1);
    expect(await request(contextOf('alice'))).toBe('ok');
    // Straight to admit, as if its handler had not ended yet.
    await expect(limits.admit(contextOf('alice'))).rejects.toThrow(/retry after/);
    expect(limited).toEqual(['calls']);
    // The next minute: let in, not refused for a place the refusal kept.
    vi.advanceTimersByTime(60_000);
    await limits.admit(contextOf('alice'));
    expect(limited).toEqual(['calls']);
  });

  it('gives back the place when the count itself fails', async () => {
    vi.spyOn(RateLimiterMemory.prototype, 'consume').mockRejectedValueOnce(new Error('count lost'));
    const shares = new CallerShares({ maxInFlight: 1, callsPerMinute: 5 });
    await expect(shares.enter('alice')).rejects.toThrow('count lost');
    // The one place is free again: the failed request never ran.
    expect(await shares.enter('alice')).toBeUndefined();
    expect(await shares.enter('alice')).toMatchObject({ reason: 'in_flight' });
  });

  it('excuses a request that never ran: its place is free and its call given back', async () => {
    const { limits, limited } = limitsOf(1, 1);
    const shed = contextOf('alice');
    await limits.admit(shed);
    limits.excuse(shed);
    // A place and a call are left for the next request.
    await limits.admit(contextOf('alice'));
    expect(limited).toEqual([]);
    // Excusing twice, or after the request has left, changes nothing.
    limits.excuse(shed);
    await expect(limits.admit(contextOf('alice'))).rejects.toThrow(/retry after/);
    // The second excuse gave nothing back: the minute's one call is spent.
    expect(limited).toEqual(['calls']);
  });
});
