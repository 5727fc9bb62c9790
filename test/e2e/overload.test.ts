/**
 * Load shedding (src/http/overload.ts): with MAX_IN_FLIGHT_REQUESTS=2 and a
 * slow issuer, two requests hold both slots; the next GraphQL request is
 * answered 503 GATEWAY_OVERLOADED at once, without an upstream call, while
 * health and metrics keep answering. The same happens while the upstream
 * bulkhead's queue is half full.
 */
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FIXTURES } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const ACCOUNT = 'query OneAccount($id: ID!) { account(id: $id) { id } }';
const ID = FIXTURES.accountExactAmounts;
const SLOW_MS = 400;

describe('load shedding', () => {
  let harness: Harness;
  const logged: string[] = [];
  const sim = () => harness.simulator;
  const ask = () => harness.execute(ACCOUNT, { id: ID });
  const bothSlotsTaken = () =>
    vi.waitFor(() => expect(sim().stats.inFlight).toBe(2), { timeout: 2000, interval: 5 });

  beforeAll(async () => {
    harness = await startHarness({
      env: { MAX_IN_FLIGHT_REQUESTS: '2' },
      logDestination: { write: (line: string) => void logged.push(line) },
    });
  });
  afterAll(() => harness.close());
  afterEach(() => sim().reset());

  it('answers the request past the limit 503 with Retry-After, and serves again once a slot is free', async () => {
    sim().faults.add({ route: 'account', latencyMs: SLOW_MS });
    const held = [ask(), ask()];
    await bothSlotsTaken();

    const shed = await ask();
    expect(shed.status).toBe(503);
    expect(shed.headers['retry-after']).toBe('1');
    // The line is written once the answer has gone out.
    await vi.waitFor(() => {
      const line = logged
        .map((text) => JSON.parse(text) as Record<string, unknown>)
        .find((entry) => entry['requestId'] === shed.headers['x-request-id']);
      expect(line).toMatchObject({
        msg: 'graphql request',
        status: 503,
        outcome: 'error',
        upstreamCalls: 0,
        errorCodes: ['GATEWAY_OVERLOADED'],
      });
    });
    expect(shed.headers['x-request-id']).toEqual(expect.any(String));
    expect(shed.data).toBeUndefined();
    expect(shed.errors).toEqual([
      {
        message: 'The gateway is overloaded; retry after 1 s.',
        extensions: { code: 'GATEWAY_OVERLOADED' },
      },
    ]);

    // Probes and scrapes are never shed.
    const live = await request(`${harness.url}/health/live`);
    expect(live.statusCode).toBe(200);
    await live.body.dump();
    const metrics = await request(`${harness.url}/metrics`);
    expect(metrics.statusCode).toBe(200);
    const scrape = await metrics.body.text();
    expect(scrape).toContain('gateway_graphql_errors_total{code="GATEWAY_OVERLOADED"} 1');
    expect(scrape).toContain('gateway_graphql_requests_shed_total{reason="in_flight"} 1');

    for (const reply of await Promise.all(held)) {
      expect(reply.status).toBe(200);
      expect(reply.data).toEqual({ account: { id: ID } });
    }
    // The shed request never reached the issuer.
    expect(sim().log.count('account')).toBe(2);

    sim().faults.clear();
    const after = await ask();
    expect(after.status).toBe(200);
    expect(after.data).toEqual({ account: { id: ID } });
  });

  it('frees the slots of callers that have gone at once, since their upstream calls are cut off', async () => {
    sim().faults.add({ route: 'account', latencyMs: SLOW_MS * 10 });
    // Their own agent, destroyed with them, so no socket of theirs outlives the test.
    const agent = new Agent();
    const callers = [new AbortController(), new AbortController()];
    const abandoned = callers.map((caller) =>
      request(`${harness.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: ACCOUNT, variables: { id: ID } }),
        signal: caller.signal,
        dispatcher: agent,
      }).catch((error: unknown) => error),
    );
    await bothSlotsTaken();
    const goneAt = performance.now();
    for (const caller of callers) caller.abort();
    await Promise.all(abandoned);
    await agent.destroy();

    // Their calls are cut off, not left to run for the issuer's 4 s.
    await vi.waitFor(() => expect(sim().stats.inFlight).toBe(0), { timeout: SLOW_MS });
    sim().faults.clear();
    let reply = await ask();
    for (let attempt = 0; reply.status === 503 && attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      reply = await ask();
    }
    expect(reply.status).toBe(200);
    expect(performance.now() - goneAt).toBeLessThan(SLOW_MS * 5);
    // The two abandoned requests and the one that got through.
    expect(sim().log.count('account')).toBe(3);
  });
});

describe('load shedding by upstream queue', () => {
  let harness: Harness;
  const sim = () => harness.simulator;

  beforeAll(async () => {
    harness = await startHarness({
      upstreamTimeoutMs: 5000,
      env: { ENFUCE_MAX_CONNECTIONS: '1', ENFUCE_QUEUE_SIZE: '4' },
    });
  });
  afterAll(() => harness.close());
  afterEach(() => sim().reset());

  it('sheds a new request while the upstream queue is half full, then serves again', async () => {
    const ids = sim()
      .data.accountsOf(FIXTURES.customerWith30)
      .slice(0, 3)
      .map((account) => account.id);
    sim().faults.add({ route: 'account', latencyMs: SLOW_MS });
    // Three calls for one slot: one runs, two wait, the queue of 4 is half
    // full (a rule that waited for a full queue would let the next one in).
    const fanOut = harness.execute('query($ids: [ID!]!) { accounts(ids: $ids) { id } }', { ids });
    await vi.waitFor(
      () => expect(harness.gateway.upstreamPolicy!.state()).toMatchObject({ active: 1, queued: 2 }),
      { timeout: 2000, interval: 5 },
    );

    const shed = await harness.execute(ACCOUNT, { id: ID });
    expect(shed.status).toBe(503);
    expect(shed.errors?.[0]?.extensions?.code).toBe('GATEWAY_OVERLOADED');
    const scrape = await (await request(`${harness.url}/metrics`)).body.text();
    expect(scrape).toContain('gateway_graphql_requests_shed_total{reason="upstream_queue"} 1');
    expect(scrape).not.toContain('gateway_graphql_requests_shed_total{reason="in_flight"}');

    // Every one of the admitted request's calls was served.
    const served = await fanOut;
    expect(served.errors).toBeUndefined();
    expect(served.data.accounts.map((account: { id: string }) => account.id)).toEqual(ids);
    expect(sim().log.count('account')).toBe(3);

    sim().faults.clear();
    expect((await harness.execute(ACCOUNT, { id: ID })).status).toBe(200);
  });
});
