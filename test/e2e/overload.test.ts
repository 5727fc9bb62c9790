/**
 * Load shedding (src/http/overload.ts): with MAX_IN_FLIGHT_REQUESTS=2 and a
 * slow issuer, two requests hold both slots; the next GraphQL request is
 * answered 503 GATEWAY_OVERLOADED at once, without an upstream call, while
 * health and metrics keep answering. While the upstream bulkhead's queue is
 * half full, a new request waits at the door (ADMISSION_WAIT_MS), is let in
 * when the queue drains, and is shed only if it does not drain in time.
 */
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FIXTURES } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { scrape } from '../helpers/prometheus.js';
import { anyCustomerToken, bearer } from '../helpers/tokens.js';

const ACCOUNT = 'query OneAccount($id: ID!) { account(id: $id) { id } }';
const ID = FIXTURES.accountExactAmounts;
// Long enough that a loaded machine checks what it must while the calls are still held.
const SLOW_MS = 1000;

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
    sim().faults.add({ route: 'accountV4', latencyMs: SLOW_MS });
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
    expect(sim().log.count('accountV4')).toBe(2);

    sim().faults.clear();
    const after = await ask();
    expect(after.status).toBe(200);
    expect(after.data).toEqual({ account: { id: ID } });
  });

  it('frees the slots of callers that have gone at once, since their upstream calls are cut off', async () => {
    sim().faults.add({ route: 'accountV4', latencyMs: SLOW_MS * 10 });
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
    expect(sim().log.count('accountV4')).toBe(3);
  });
});

/** Three of the 30 accounts' ids: three calls for one connection. */
const threeIds = (harness: Harness) =>
  harness.simulator.data
    .accountsOf(FIXTURES.customerWith30)
    .slice(0, 3)
    .map((account) => account.id);
const FAN_OUT = 'query($ids: [ID!]!) { accounts(ids: $ids) { id } }';
/** Three calls for one slot: one runs, two wait, the queue of 4 is half full. */
const UPSTREAM_QUEUE = { ENFUCE_MAX_CONNECTIONS: '1', ENFUCE_QUEUE_SIZE: '4' };

const queueHalfFull = (harness: Harness) =>
  vi.waitFor(
    () => expect(harness.gateway.upstreamPolicy!.state()).toMatchObject({ active: 1, queued: 2 }),
    { timeout: 2000, interval: 5 },
  );

describe('load shedding by upstream queue', () => {
  let harness: Harness;
  const sim = () => harness.simulator;
  const WAIT_MS = 100;

  beforeAll(async () => {
    harness = await startHarness({
      upstreamTimeoutMs: 5000,
      env: { ...UPSTREAM_QUEUE, ADMISSION_WAIT_MS: String(WAIT_MS) },
    });
  });
  afterAll(() => harness.close());
  afterEach(() => sim().reset());

  it('sheds a new request once the upstream queue has stayed half full for ADMISSION_WAIT_MS, then serves again', async () => {
    const ids = threeIds(harness);
    sim().faults.add({ route: 'accountV4', latencyMs: SLOW_MS });
    // A rule that waited for a full queue would let the next one in.
    const fanOut = harness.execute(FAN_OUT, { ids });
    await queueHalfFull(harness);

    const arrived = performance.now();
    const shed = await harness.execute(ACCOUNT, { id: ID });
    expect(shed.status).toBe(503);
    expect(shed.headers['retry-after']).toBe('1');
    expect(shed.data).toBeUndefined();
    expect(shed.errors).toMatchObject([
      {
        message: 'The gateway is overloaded; retry after 1 s.',
        extensions: { code: 'GATEWAY_OVERLOADED' },
      },
    ]);
    // It waited at the door first.
    expect(performance.now() - arrived).toBeGreaterThanOrEqual(WAIT_MS - 1);
    const metrics = await scrape(harness.url);
    expect(metrics.value('gateway_graphql_requests_shed_total', { reason: 'upstream_queue' })).toBe(
      1,
    );
    expect(metrics.value('gateway_graphql_requests_shed_total', { reason: 'in_flight' })).toBe(0);
    expect(metrics.value('gateway_graphql_errors_total', { code: 'GATEWAY_OVERLOADED' })).toBe(1);

    // Every one of the admitted request's calls was served.
    const served = await fanOut;
    expect(served.errors).toBeUndefined();
    expect(served.data.accounts.map((account: { id: string }) => account.id)).toEqual(ids);
    expect(sim().log.count('accountV4')).toBe(3);

    sim().faults.clear();
    expect((await harness.execute(ACCOUNT, { id: ID })).status).toBe(200);
  });
});

describe('waiting at the door for the upstream queue', () => {
  let harness: Harness;
  let token: Record<string, string>;
  const logged: string[] = [];
  const sim = () => harness.simulator;
  const waiting = async () => (await scrape(harness.url)).value('gateway_graphql_requests_waiting');
  const ask = (query: string, variables: Record<string, unknown>) =>
    harness.execute(query, variables, token);

  beforeAll(async () => {
    // With tokens: verifying one takes a turn of the thread pool before the
    // request's calls queue, which the door must wait for.
    harness = await startHarness({
      auth: true,
      upstreamTimeoutMs: 5000,
      env: { ...UPSTREAM_QUEUE, ADMISSION_WAIT_MS: '3000' },
      logDestination: { write: (line: string) => void logged.push(line) },
    });
    token = bearer(await anyCustomerToken());
  });
  afterAll(() => harness.close());
  afterEach(() => sim().reset());

  it('lets a request in whole once the queue has drained below half', async () => {
    sim().faults.add({ route: 'accountV4', latencyMs: SLOW_MS });
    const fanOut = ask(FAN_OUT, { ids: threeIds(harness) });
    await queueHalfFull(harness);

    const waited = ask(ACCOUNT, { id: ID });
    await vi.waitFor(async () => expect(await waiting()).toBe(1));
    expect(harness.gateway.upstreamPolicy!.state()).toMatchObject({ active: 1, queued: 2 });
    expect((await waited).data).toEqual({ account: { id: ID } });
    expect((await fanOut).errors).toBeUndefined();
    // Let in after the first call had given its slot to the second.
    const ids = sim()
      .log.entries('accountV4')
      .map((entry) => entry.id);
    expect(ids).toHaveLength(4);
    expect(ids.at(-1)).toBe(ID);
    expect(await waiting()).toBe(0);
    expect((await scrape(harness.url)).value('gateway_graphql_requests_shed_total')).toBe(0);
  });

  it('lets a burst in one request at a time, so that none of their calls is refused', async () => {
    sim().faults.add({ route: 'accountV4', latencyMs: 40 });
    // Each request makes three calls; the queue holds four. Let in together,
    // the second and later ones would overflow it and come back partial.
    const burst = await Promise.all(
      Array.from({ length: 5 }, () => ask(FAN_OUT, { ids: threeIds(harness) })),
    );
    for (const reply of burst) {
      expect(reply.status).toBe(200);
      expect(reply.errors).toBeUndefined();
      expect(reply.data.accounts).toHaveLength(3);
    }
    expect(sim().log.count('accountV4')).toBe(15);
    expect((await scrape(harness.url)).value('gateway_graphql_requests_shed_total')).toBe(0);
  });

  it('forgets a waiting request whose caller hangs up: it makes no call and counts as cancelled, not shed', async () => {
    // Long enough that the line is looked at well before the queue drains.
    sim().faults.add({ route: 'accountV4', latencyMs: 1200 });
    const fanOut = ask(FAN_OUT, { ids: threeIds(harness) });
    await queueHalfFull(harness);

    const agent = new Agent();
    const caller = new AbortController();
    const leaving = request(`${harness.url}/graphql`, {
      method: 'POST',
      headers: {
        ...token,
        'content-type': 'application/json',
        'x-request-id': 'left-at-the-door',
      },
      body: JSON.stringify({ query: ACCOUNT, variables: { id: ID } }),
      signal: caller.signal,
      dispatcher: agent,
    }).catch((error: unknown) => error);
    await vi.waitFor(async () => expect(await waiting()).toBe(1));
    caller.abort();
    await leaving;
    await agent.destroy();
    // It leaves the line at once, while the queue is still half full.
    await vi.waitFor(async () => expect(await waiting()).toBe(0));
    expect(harness.gateway.upstreamPolicy!.state()).toMatchObject({ active: 1, queued: 2 });

    expect((await fanOut).errors).toBeUndefined();
    await vi.waitFor(() =>
      expect(
        logged
          .map((text) => JSON.parse(text) as Record<string, unknown>)
          .find((entry) => entry['requestId'] === 'left-at-the-door'),
      ).toMatchObject({
        // Its caller is known: the token was read before the wait.
        sub: 'test-user',
        status: 499,
        outcome: 'abandoned',
        upstreamCalls: 0,
        errorCodes: ['REQUEST_CANCELLED'],
      }),
    );
    expect(sim().log.count('accountV4')).toBe(3);
    const metrics = await scrape(harness.url);
    expect(metrics.value('gateway_graphql_requests_shed_total')).toBe(0);
    expect(metrics.value('gateway_graphql_errors_total', { code: 'GATEWAY_OVERLOADED' })).toBe(0);
    // The line is empty again: the next request goes straight in.
    sim().faults.clear();
    expect((await ask(ACCOUNT, { id: ID })).status).toBe(200);
  });
});
