/**
 * RELIABILITY.md §7.1 rows U1-U3 and U7-U13: what a caller sees when the
 * issuer's transport or answers go wrong, over real HTTP against the simulator.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FIXTURES } from '../../src/simulator/seed.js';
import { startHarness, type GraphQLReply, type Harness } from '../helpers/harness.js';
import { refusedPort } from '../helpers/refusedPort.js';

const ACCOUNT = /* GraphQL */ `
  query ($id: ID!) {
    account(id: $id) {
      id
      number
      balance {
        amount
      }
    }
    customer(id: "10000000001") {
      id
    }
  }
`;
const ID = FIXTURES.accountExactAmounts;
const TIMEOUT_MS = 500;

// No breaker trips in this file: each row is about one call's outcome.
const env = { ENFUCE_BREAKER_THRESHOLD: '10000', ENFUCE_RETRY_BACKOFF_MS: '20' };

function expectFieldError(reply: GraphQLReply<any>, code: string) {
  expect(reply.status).toBe(200);
  expect(reply.data.account).toBeNull();
  // The sibling needs no upstream call and is still answered.
  expect(reply.data.customer).toEqual({ id: '10000000001' });
  expect(reply.errors).toHaveLength(1);
  expect(reply.errors![0]).toMatchObject({ path: ['account'], extensions: { code } });
}

describe('U1: the issuer refuses connections', () => {
  let harness: Harness;
  let closedPort: number;

  beforeAll(async () => {
    closedPort = await refusedPort();
    harness = await startHarness({
      env: { ...env, ENFUCE_BASE_URL: `http://127.0.0.1:${closedPort}`, AUTH_DISABLED: 'true' },
    });
  });
  afterAll(() => harness.close());

  it('fails the field with UPSTREAM_UNAVAILABLE and a fixed message, HTTP 200', async () => {
    const reply = await harness.execute(ACCOUNT, { id: ID });
    expectFieldError(reply, 'UPSTREAM_UNAVAILABLE');
    expect(reply.errors![0]!.message).toBe('The card issuer is unavailable.');
    expect(reply.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|simulator/);
    expect(reply.text).not.toContain(String(closedPort));
  });
});

describe('transport faults', () => {
  /** The gateway's log lines, as written. */
  const logged: string[] = [];
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      upstreamTimeoutMs: TIMEOUT_MS,
      env,
      logDestination: { write: (line: string) => void logged.push(line) },
    });
  });
  afterAll(() => harness.close());
  afterEach(() => harness.simulator.reset());

  const sim = () => harness.simulator;

  async function timed<T>(work: Promise<T>): Promise<[T, number]> {
    const started = performance.now();
    const result = await work;
    return [result, performance.now() - started];
  }

  // The gateway aborted its socket; the simulator sees the close a moment later.
  const noneInFlight = () =>
    vi.waitFor(() => expect(sim().stats.inFlight).toBe(0), { timeout: 1000, interval: 20 });

  it('U2: a hanging issuer fails the field with UPSTREAM_TIMEOUT at the deadline and frees the socket', async () => {
    sim().faults.add({ route: 'accountV4', hang: true });
    const [reply, elapsed] = await timed(harness.execute(ACCOUNT, { id: ID }));
    expectFieldError(reply, 'UPSTREAM_TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 3000);
    // A timeout is not retried: the deadline covers the whole call.
    expect(sim().log.count('accountV4')).toBe(1);
    await noneInFlight();
    expect(harness.gateway.upstreamPolicy!.state()).toMatchObject({ active: 0, queued: 0 });
  });

  it('U3: headers at once and a slow body still end at the deadline with UPSTREAM_TIMEOUT', async () => {
    // Two bytes every 100 ms: a byte a second would let undici's own body
    // timeout (between chunks, also ENFUCE_TIMEOUT_MS) end the call, and
    // hide a deadline that stopped applying once the headers came.
    sim().faults.add({ route: 'accountV4', slowBodyBytesPerSecond: 20 });
    const [reply, elapsed] = await timed(harness.execute(ACCOUNT, { id: ID }));
    expectFieldError(reply, 'UPSTREAM_TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 3000);
    await noneInFlight();
  });

  it('U7: a 404 is a null account with no error, no retry', async () => {
    const reply = await harness.execute(ACCOUNT, { id: FIXTURES.unknownAccountId });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.account).toBeNull();
    expect(sim().log.count('accountV4')).toBe(1);
  });

  it.each([
    ['an HTML page', { html: true as const }, /<html|<body/i],
    ['invalid JSON', { invalidJson: true as const }, /\{|\}/],
    ['a body cut short of its Content-Length', { truncateBody: true as const }, /balance/],
    ['bytes that are not HTTP', { notHttp: true as const }, /SSH/],
  ])(
    'U8: 200 with %s is UPSTREAM_ERROR without the body in the message',
    async (_name, fault, raw) => {
      sim().faults.add({ route: 'accountV4', ...fault });
      const reply = await harness.execute(ACCOUNT, { id: ID });
      expectFieldError(reply, 'UPSTREAM_ERROR');
      expect(reply.errors![0]!.message).toMatch(/^The card issuer sent an unusable answer: /);
      expect(reply.errors![0]!.message).not.toMatch(raw);
      // An unusable answer is an answer: not retried.
      expect(sim().log.count('accountV4')).toBe(1);
    },
  );

  describe('U8: an answer about another record than the one asked for is UPSTREAM_ERROR', () => {
    const OTHER_CUSTOMER = FIXTURES.privateCustomer;

    it('an account with another id', async () => {
      sim().faults.add({
        route: 'accountV4',
        id: ID,
        body: `{"id":"${FIXTURES.accountNegativeBalance}","customerId":"${FIXTURES.corporateCustomer}","balance":-12.30}`,
      });
      const reply = await harness.execute(ACCOUNT, { id: ID });
      expectFieldError(reply, 'UPSTREAM_ERROR');
      expect(reply.text).not.toContain(FIXTURES.accountNegativeBalance);
    });

    it('but not the same id written with leading zeros', async () => {
      sim().faults.add({
        route: 'accountV4',
        id: ID,
        body: `{"id":"00${ID}","customerId":"${FIXTURES.corporateCustomer}","currency":"EUR","balance":1234.50}`,
      });
      const reply = await harness.execute(ACCOUNT, { id: ID });
      expect(reply.errors).toBeUndefined();
      // Exactly as the issuer sent it.
      expect(reply.data.account).toMatchObject({ id: `00${ID}`, balance: { amount: '1234.50' } });
    });

    it('asks for an id given with leading zeros without them, once for both spellings', async () => {
      const reply = await harness.execute('query ($ids: [ID!]!) { accounts(ids: $ids) { id } }', {
        ids: [`00${ID}`, ID, `0${ID}`],
      });
      expect(reply.errors).toBeUndefined();
      expect(reply.data.accounts).toEqual([{ id: ID }, { id: ID }, { id: ID }]);
      expect(
        sim()
          .log.entries()
          .map((entry) => entry.path),
      ).toEqual([`/account/v4/${ID}`]);
    });

    it("a customer's account list holding an account of another customer", async () => {
      sim().faults.add({
        route: 'accountsOfCustomerV4',
        id: FIXTURES.corporateCustomer,
        body: `[{"id":"${FIXTURES.accountTopLevel}","customerId":"${FIXTURES.corporateCustomer}"},{"id":"7","customerId":"${OTHER_CUSTOMER}"}]`,
      });
      const reply = await harness.execute(/* GraphQL */ `
        {
          customer(id: "${FIXTURES.corporateCustomer}") {
            accounts {
              nodes {
                id
                customer {
                  id
                }
              }
            }
          }
        }
      `);
      expect(reply.data).toEqual({ customer: null });
      expect(reply.errors).toHaveLength(1);
      expect(reply.errors![0]).toMatchObject({
        path: ['customer', 'accounts'],
        extensions: { code: 'UPSTREAM_ERROR' },
      });
      expect(reply.text).not.toContain(OTHER_CUSTOMER);
    });

    it('a customer with another id', async () => {
      sim().faults.add({
        route: 'customer',
        id: FIXTURES.corporateCustomer,
        body: `{"id":"${OTHER_CUSTOMER}","role":"PRIVATE","firstName":"Someone","lastName":"Else"}`,
      });
      const reply = await harness.execute(
        `{ customer(id: "${FIXTURES.corporateCustomer}") { id displayName } }`,
      );
      expect(reply.data).toEqual({
        customer: { id: FIXTURES.corporateCustomer, displayName: null },
      });
      expect(reply.errors![0]).toMatchObject({
        path: ['customer', 'displayName'],
        extensions: { code: 'UPSTREAM_ERROR' },
      });
      expect(reply.text).not.toContain('Someone');
    });
  });

  it.each([
    ['with its Content-Length', {}],
    ['chunked, its size unknown until read', { chunked: true as const }],
  ])(
    'U9: a 50 MiB body %s is UPSTREAM_ERROR, taken no further than the 5 MiB cap',
    async (_how, delivery) => {
      const MiB = 1024 * 1024;
      sim().faults.add({ route: 'accountV4', oversizeBytes: 50 * MiB, times: 1, ...delivery });
      const reply = await harness.execute(ACCOUNT, { id: ID });
      expectFieldError(reply, 'UPSTREAM_ERROR');
      expect(reply.errors![0]!.message).toContain('larger than the allowed size');
      // The gateway stopped reading: the simulator could hand the connection
      // the cap and what loopback buffers hold, never the whole body.
      const written = await vi.waitFor(() => {
        const bytes = sim().log.entries('accountV4')[0]!.bytesWritten;
        expect(bytes).toBeDefined();
        return bytes!;
      });
      expect(written).toBeLessThan(20 * MiB);
      // The gateway answers the next request normally.
      const next = await harness.execute(ACCOUNT, { id: ID });
      expect(next.errors).toBeUndefined();
      expect(next.data.account.balance.amount).toBe('1234.50');
    },
  );

  it('U10: a redirect is UPSTREAM_ERROR and is never followed', async () => {
    const elsewhere: { requests: number; server?: Server } = { requests: 0 };
    elsewhere.server = createServer((_req, res) => {
      elsewhere.requests++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => elsewhere.server!.listen(0, '127.0.0.1', resolve));
    const { port } = elsewhere.server.address() as AddressInfo;
    try {
      sim().faults.add({
        route: 'accountV4',
        redirectTo: `http://127.0.0.1:${port}/account/v4/${ID}`,
      });
      const reply = await harness.execute(ACCOUNT, { id: ID });
      expectFieldError(reply, 'UPSTREAM_ERROR');
      expect(reply.errors![0]!.message).toContain('redirect');
      expect(reply.text).not.toContain(String(port));
      expect(elsewhere.requests).toBe(0);
      expect(sim().log.count('accountV4')).toBe(1);
    } finally {
      await new Promise((resolve) => elsewhere.server!.close(resolve));
    }
  });

  it('U11: the issuer refusing our credentials is UPSTREAM_ERROR for the caller, not a 401', async () => {
    sim().faults.add({ route: 'accountV4', status: 401 });
    const reply = await harness.execute(ACCOUNT, { id: ID });
    expectFieldError(reply, 'UPSTREAM_ERROR');
    expect(reply.text).not.toContain(sim().password);
    expect(reply.text).not.toContain(
      Buffer.from(`${sim().username}:${sim().password}`).toString('base64'),
    );
    expect(reply.text).not.toContain('Basic ');
    expect(sim().log.count('accountV4')).toBe(1);
    // The operator learns of it: the issuer's status, without the credentials.
    const failures = logged
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line['msg'] === 'upstream call failed' && line['status'] === 401);
    expect(failures).toEqual([
      expect.objectContaining({
        level: 40,
        endpoint: '/account/v4/{id}',
        code: 'UPSTREAM_ERROR',
        requestId: reply.headers['x-request-id'],
      }),
    ]);
    const all = logged.join('');
    expect(all).not.toContain(sim().password);
    expect(all).not.toContain(
      Buffer.from(`${sim().username}:${sim().password}`).toString('base64'),
    );
  });

  it('U8: an account status the gateway does not know fails that field alone', async () => {
    sim().faults.add({
      route: 'accountV4',
      id: ID,
      body: `{"id":"${ID}","customerId":"${FIXTURES.corporateCustomer}","status":"ACCOUNT_FROZEN","currency":"EUR","balance":1234.50}`,
    });
    const reply = await harness.execute(
      `{ account(id: "${ID}") { id status balance { amount } } }`,
    );
    expect(reply.data.account).toEqual({ id: ID, status: null, balance: { amount: '1234.50' } });
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors![0]).toMatchObject({
      path: ['account', 'status'],
      extensions: { code: 'UPSTREAM_ERROR' },
    });
  });

  it('U8: each detail the issuer sends in a shape the gateway cannot read fails its field alone', async () => {
    sim().faults.add({
      route: 'accountV4',
      id: ID,
      body: `{"id":"${ID}","customerId":"${FIXTURES.corporateCustomer}","currency":"EUR","balance":1234.50,"segment":{"name":"GOLD"},"minimumToPay":{"amount":10.00,"percentage":"50%"},"address":"Mannerheimintie 1","usageLimits":[{"values":[{"code":"ATM"}]}],"reason":{}}`,
    });
    const reply = await harness.execute(
      `{ account(id: "${ID}") { balance { amount } segment minimumToPay { amount } address { city } usageLimits { code } statusReason } }`,
    );
    // Errors, not nulls, which a client would read as nothing to pay, no limits.
    expect(reply.data.account).toEqual({
      balance: { amount: '1234.50' },
      segment: null,
      minimumToPay: null,
      address: null,
      usageLimits: null,
      statusReason: null,
    });
    expect(reply.errors?.map((e) => [e.path, e.message, e.extensions?.code])).toEqual(
      // Named as asked for: the issuer's `reason` is `statusReason`.
      ['segment', 'minimumToPay', 'address', 'usageLimits', 'statusReason'].map((field) => [
        ['account', field],
        `The card issuer sent an unusable answer: the account's ${field} has an unexpected shape.`,
        'UPSTREAM_ERROR',
      ]),
    );
    expect(sim().log.count('accountV4')).toBe(1);
  });

  it('U12: amounts and 20-digit ids come through exactly, and __proto__ pollutes nothing', async () => {
    sim().faults.add({
      route: 'accountV4',
      body:
        '{"id":12345678901234567890,"customerId":10000000001,"currency":"EUR",' +
        '"balance":12345678901234567890.123456789,"__proto__":{"polluted":1}}',
    });
    const reply = await harness.execute(ACCOUNT, { id: '12345678901234567890' });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.account).toMatchObject({
      id: '12345678901234567890',
      balance: { amount: '12345678901234567890.123456789' },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('U1 (reset): a connection reset before any answer is retried and answered', async () => {
    sim().faults.add({ route: 'accountV4', reset: true, times: 1 });
    const reply = await harness.execute(ACCOUNT, { id: ID });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.account.id).toBe(ID);
    expect(sim().log.count('accountV4')).toBe(2);
  });
});

describe('U13: the issuer closes idle keep-alive sockets', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ env, simulator: { keepAliveTimeoutMs: 150 } });
  });
  afterAll(() => harness.close());

  it('answers every request when calls arrive around the keep-alive timeout', async () => {
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 12; i++) {
      const reply = await harness.execute(ACCOUNT, { id: ID });
      codes.push(...(reply.errors ?? []).map((error) => error.extensions?.code));
      expect(reply.data.account?.id).toBe(ID);
      // Mostly right around the server's idle timeout, where a reused socket
      // may already be closing; one pause well inside it and one well past
      // it, so that sockets are both reused and closed however slow the machine.
      const pauses = [60, 130, 140, 150, 160, 240];
      await new Promise((resolve) => setTimeout(resolve, pauses[i % pauses.length]));
    }
    expect(codes).toEqual([]);
    // Sockets were reused and sockets were closed, so calls could meet one
    // as it closed (an issuer that announced its timeout would have had
    // none reused; one that never closed, one connection for all).
    const calls = harness.simulator.log.entries();
    const connections = new Set(calls.map((call) => call.connection)).size;
    expect(connections).toBeLessThan(calls.length);
    expect(connections).toBeGreaterThan(1);
  });
});
