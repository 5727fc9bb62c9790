/**
 * Each verified caller's share (src/http/callerLimits.ts), over HTTP against
 * the simulator as a real upstream: a caller past CALLER_MAX_IN_FLIGHT or
 * CALLER_CALLS_PER_MINUTE gets 429 RATE_LIMITED with Retry-After and makes
 * no upstream call, while other callers are served.
 */
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FIXTURES } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { scrape } from '../helpers/prometheus.js';
import { anyCustomerToken, bearer } from '../helpers/tokens.js';

const CUSTOMER = 'query One($id: ID!) { customer(id: $id) { id displayName } }';
// Two customers: two upstream calls.
const TWO_CUSTOMERS = `query Two {
  a: customer(id: "${FIXTURES.corporateCustomer}") { displayName }
  b: customer(id: "${FIXTURES.privateCustomer}") { displayName }
}`;

/** A token of `sub` at `issuer`: AUTH_ISSUER is unset, so tokens of any issuer are taken. */
async function headersOf(sub: string, issuer = 'https://idp-a.example/') {
  return bearer(await anyCustomerToken({ sub }, { issuer }));
}

function loggedLine(logged: string[], requestId: unknown) {
  return logged
    .map((text) => JSON.parse(text) as Record<string, unknown>)
    .find((entry) => entry['requestId'] === requestId && entry['msg'] === 'graphql request');
}

describe('caller limits: requests running at once (CALLER_MAX_IN_FLIGHT)', () => {
  let harness: Harness;
  const logged: string[] = [];
  const sim = () => harness.simulator;

  beforeAll(async () => {
    harness = await startHarness({
      auth: true,
      env: { CALLER_MAX_IN_FLIGHT: '1' },
      logDestination: { write: (line: string) => void logged.push(line) },
    });
  });
  afterAll(() => harness.close());
  afterEach(() => sim().reset());

  it('refuses a caller a second request while its first runs, and serves another caller', async () => {
    const alice = await headersOf('alice');
    const ask = (headers: Record<string, string>) =>
      harness.execute(CUSTOMER, { id: FIXTURES.privateCustomer }, headers);
    sim().faults.add({ route: 'customer', latencyMs: 2000 });
    const held = ask(alice);
    await vi.waitFor(() => expect(sim().stats.inFlight).toBe(1), { timeout: 2000, interval: 5 });

    const refused = await ask(alice);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.data).toBeUndefined();
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors).toMatchObject([
      {
        message: 'Too many requests from this caller; retry after 1 s.',
        extensions: { code: 'RATE_LIMITED' },
      },
    ]);
    // Only the held request reached the issuer.
    expect(sim().log.count()).toBe(1);

    // Asked while alice's first request runs: another issuer's alice (a key
    // set may hold several issuers' keys) is another caller.
    const [bob, otherAlice] = await Promise.all([
      ask(await headersOf('bob')),
      ask(await headersOf('alice', 'https://idp-b.example/')),
    ]);
    for (const served of [bob, otherAlice]) {
      expect(served.status).toBe(200);
      expect(served.data).toEqual({
        customer: { id: FIXTURES.privateCustomer, displayName: expect.any(String) },
      });
    }

    expect((await held).data).toEqual({
      customer: { id: FIXTURES.privateCustomer, displayName: expect.any(String) },
    });
    // Answered: alice's place is free again.
    expect((await ask(alice)).status).toBe(200);

    await vi.waitFor(() =>
      expect(loggedLine(logged, refused.headers['x-request-id'])).toMatchObject({
        status: 429,
        sub: 'alice',
        issuer: 'https://idp-a.example/',
        upstreamCalls: 0,
        errorCodes: ['RATE_LIMITED'],
      }),
    );
    const metrics = await scrape(harness.url);
    expect(
      metrics.value('gateway_graphql_requests_rate_limited_total', { reason: 'in_flight' }),
    ).toBe(1);
    expect(metrics.value('gateway_graphql_errors_total', { code: 'RATE_LIMITED' })).toBe(1);
  });
});

describe('caller limits: upstream calls a minute (CALLER_CALLS_PER_MINUTE)', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ auth: true, env: { CALLER_CALLS_PER_MINUTE: '3' } });
  });
  afterAll(() => harness.close());

  it("charges a caller its requests' calls and refuses it once its minute is spent", async () => {
    const alice = await headersOf('alice');
    // 2 calls: 2 of 3 spent.
    expect((await harness.execute(TWO_CUSTOMERS, {}, alice)).status).toBe(200);
    // Let in with one left; its 2 calls make 4.
    expect((await harness.execute(TWO_CUSTOMERS, {}, alice)).status).toBe(200);
    expect(harness.simulator.log.count()).toBe(4);

    const refused = await harness.execute(TWO_CUSTOMERS, {}, alice);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.errors?.[0]?.message).toBe(
      `Too many requests from this caller; retry after ${retryAfter} s.`,
    );
    expect(harness.simulator.log.count()).toBe(4);

    // Refused before what is checked after the token, such as a batch (400).
    const batch = await request(`${harness.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...alice },
      body: JSON.stringify([{ query: TWO_CUSTOMERS }]),
    });
    expect(batch.statusCode).toBe(429);
    expect(await batch.body.json()).toMatchObject({
      errors: [{ extensions: { code: 'RATE_LIMITED' } }],
    });

    const bob = await harness.execute(TWO_CUSTOMERS, {}, await headersOf('bob'));
    expect(bob.status).toBe(200);
    expect(harness.simulator.log.count()).toBe(6);
    const metrics = await scrape(harness.url);
    expect(metrics.value('gateway_graphql_requests_rate_limited_total', { reason: 'calls' })).toBe(
      2,
    );
  });
});

describe('caller limits and the load-shedding door', () => {
  let harness: Harness;
  const sim = () => harness.simulator;
  // One slot and a queue of two: bob's one call runs, carol's waits, and
  // the queue is half full.
  const env = {
    ENFUCE_MAX_CONNECTIONS: '1',
    ENFUCE_QUEUE_SIZE: '2',
    ADMISSION_WAIT_MS: '0',
    CALLER_MAX_IN_FLIGHT: '1',
    CALLER_CALLS_PER_MINUTE: '1',
  };

  beforeAll(async () => {
    harness = await startHarness({ auth: true, upstreamTimeoutMs: 5000, env });
  });
  afterAll(() => harness.close());

  it('neither holds a place nor charges a call for a request the door sheds', async () => {
    const ask = async (sub: string) =>
      harness.execute(CUSTOMER, { id: FIXTURES.privateCustomer }, await headersOf(sub));
    sim().faults.add({ route: 'customer', latencyMs: 2000 });
    const held = [ask('bob'), ask('carol')];
    await vi.waitFor(
      () => expect(harness.gateway.upstreamPolicy!.state()).toMatchObject({ active: 1, queued: 1 }),
      { timeout: 2000, interval: 5 },
    );

    // Let in by its share, then shed at the door: twice, so neither its
    // place (429 in_flight) nor its one call a minute (429 calls) was kept.
    for (let i = 0; i < 2; i++) {
      const shed = await ask('alice');
      expect(shed.status).toBe(503);
      expect(shed.errors?.[0]?.extensions?.code).toBe('GATEWAY_OVERLOADED');
    }
    for (const reply of await Promise.all(held)) expect(reply.status).toBe(200);

    sim().faults.clear();
    expect((await ask('alice')).status).toBe(200);
    // That one was its call for the minute.
    expect((await ask('alice')).status).toBe(429);
  });
});
