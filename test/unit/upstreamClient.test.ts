import { createServer, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { MockAgent, Pool, type MockPool } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnfuceClient, type UpstreamScope } from '../../src/upstream/client.js';
import { UpstreamError } from '../../src/upstream/errors.js';
import { UpstreamPolicy, retryAfterMs } from '../../src/upstream/policy.js';
import { FIXTURES, startSimulator } from '../../src/simulator/index.js';

const ORIGIN = 'http://issuer.test';
const ID = '1000000104';
const ACCOUNT = '{"id":1000000104,"customerId":10000000001,"balance":1234.50,"currency":"EUR"}';
const accountPath = (id: string) => (path: string) => path.startsWith(`/api/account/v4/${id}?`);

let agent: MockAgent;
let pool: MockPool;
const scope = (): UpstreamScope => ({ auditUser: 'alice' });
const countingScope = () => {
  const counted = { auditUser: 'alice', calls: 0, onCall: () => void counted.calls++ };
  return counted;
};

function client(options: Partial<ConstructorParameters<typeof EnfuceClient>[0]> = {}) {
  return new EnfuceClient({
    baseUrl: `${ORIGIN}/api`,
    username: 'gateway',
    password: 'p4ss',
    timeoutMs: 2000,
    dispatcher: agent,
    ...options,
  });
}

/** The UpstreamError a call failed with (fails the test when it succeeds). */
async function failure(call: Promise<unknown>): Promise<UpstreamError> {
  const error = await call.then(
    () => expect.unreachable('the call should have failed'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  pool = agent.get(ORIGIN);
});

afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

describe('EnfuceClient status mapping', () => {
  it('reads a 200 body exactly and sends Basic credentials and auditUser', async () => {
    pool
      .intercept({
        path: (path) => path === '/api/account/v4/1000000104?auditUser=alice',
        method: 'GET',
        headers: { authorization: `Basic ${Buffer.from('gateway:p4ss').toString('base64')}` },
      })
      .reply(200, ACCOUNT, { headers: { 'content-type': 'application/json' } });
    const account = await client().getAccount('1000000104', scope());
    expect(account).toMatchObject({ id: '1000000104', balance: '1234.50' });
  });

  it('asks for an uncompressed body, and refuses a compressed one it did not ask for', async () => {
    pool
      .intercept({ path: accountPath(ID), headers: { 'accept-encoding': 'identity' } })
      .reply(200, ACCOUNT);
    expect(await client().getAccount(ID, scope())).toMatchObject({ id: ID });

    pool
      .intercept({ path: accountPath(ID) })
      .reply(200, gzipSync(ACCOUNT), { headers: { 'content-encoding': 'gzip' } });
    const error = await failure(client().getAccount(ID, scope()));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toContain('compressed');
  });

  it('fails a body that is not UTF-8 with UPSTREAM_ERROR rather than change its text', async () => {
    const named = (name: string) => ACCOUNT.replace('"currency"', `"name":"${name}","currency"`);
    pool.intercept({ path: accountPath(ID) }).reply(200, Buffer.from(named('Müller'), 'latin1'), {
      headers: { 'content-type': 'application/json; charset=ISO-8859-1' },
    });
    const error = await failure(client().getAccount(ID, scope()));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toBe(
      'The card issuer sent an unusable answer: a body that is not UTF-8.',
    );

    pool.intercept({ path: accountPath(ID) }).reply(200, Buffer.from(named('Müller'), 'utf8'));
    expect(await client().getAccount(ID, scope())).toMatchObject({ name: 'Müller' });
  });

  it('reads a 204 as an empty account list, and as an unexpected status elsewhere', async () => {
    pool
      .intercept({ path: (path) => path.startsWith('/api/account/v4/customer/10000000001?') })
      .reply(204, '');
    expect(await client().getAccountsOfCustomer('10000000001', 0, 31, scope())).toEqual([]);

    pool.intercept({ path: accountPath(ID) }).reply(204, '');
    const error = await failure(client().getAccount(ID, scope()));
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', status: 204 });
  });

  it('answers null for a 404', async () => {
    pool.intercept({ path: accountPath(ID) }).reply(404, '{"status":404}');
    expect(await client().getAccount(ID, scope())).toBeNull();
  });

  it.each([
    [500, 'UPSTREAM_UNAVAILABLE'],
    [502, 'UPSTREAM_UNAVAILABLE'],
    [503, 'UPSTREAM_UNAVAILABLE'],
    [429, 'UPSTREAM_UNAVAILABLE'],
    [400, 'UPSTREAM_ERROR'],
    [401, 'UPSTREAM_ERROR'],
    [403, 'UPSTREAM_ERROR'],
    [302, 'UPSTREAM_ERROR'],
    [301, 'UPSTREAM_ERROR'],
  ])('maps status %i to %s with a message free of the URL', async (status, code) => {
    pool
      .intercept({ path: accountPath(ID) })
      .reply(status, '{"secret":"body"}', { headers: { location: 'http://elsewhere.test/' } });
    const error = await failure(client().getAccount(ID, scope()));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.message).not.toMatch(/issuer\.test|elsewhere|secret|p4ss/);
  });

  it('keeps Retry-After for the retry policy', async () => {
    pool.intercept({ path: accountPath(ID) }).reply(503, '', { headers: { 'retry-after': '3' } });
    const error = await failure(client().getAccount(ID, scope()));
    expect(error.retryAfter).toBe('3');
  });

  it.each([
    ['invalid JSON', 'not json', 'text/plain'],
    ['an HTML page', '<html><body>Bad gateway</body></html>', 'text/html'],
    ['a wrong shape', '{"id":"x"}', 'application/json'],
  ])('maps 200 with %s to UPSTREAM_ERROR without echoing the body', async (_name, body, type) => {
    pool
      .intercept({ path: accountPath(ID) })
      .reply(200, body, { headers: { 'content-type': type } });
    const error = await failure(client().getAccount(ID, scope()));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.message).not.toContain(body);
  });
});

describe('EnfuceClient transport mapping', () => {
  it.each([
    ['ECONNREFUSED', 'UPSTREAM_UNAVAILABLE'],
    ['ECONNRESET', 'UPSTREAM_UNAVAILABLE'],
    ['UND_ERR_SOCKET', 'UPSTREAM_UNAVAILABLE'],
    ['ETIMEDOUT', 'UPSTREAM_UNAVAILABLE'],
    ['ECONNABORTED', 'UPSTREAM_UNAVAILABLE'],
    ['HPE_INVALID_CONSTANT', 'UPSTREAM_ERROR'],
    ['UND_ERR_HEADERS_OVERFLOW', 'UPSTREAM_ERROR'],
    ['UND_ERR_CONNECT_TIMEOUT', 'UPSTREAM_TIMEOUT'],
    ['UND_ERR_HEADERS_TIMEOUT', 'UPSTREAM_TIMEOUT'],
    ['UND_ERR_BODY_TIMEOUT', 'UPSTREAM_TIMEOUT'],
    ['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'UPSTREAM_ERROR'],
  ])('maps %s to %s with a fixed message', async (code, expected) => {
    const cause = Object.assign(new Error(`connect ${code} 10.0.0.5:443`), { code });
    pool.intercept({ path: accountPath(ID) }).replyWithError(cause);
    const error = await failure(client().getAccount(ID, scope()));
    expect(error.code).toBe(expected);
    expect(error.message).not.toContain('10.0.0.5');
    expect(error.cause).toBe(cause);
  });

  it("reads undici's body timeout after a 200's headers as UPSTREAM_TIMEOUT, not a body cut short", async () => {
    const simulator = await startSimulator();
    // A dispatcher of the caller's own, whose body timeout comes before the call's deadline.
    const dispatcher = new Pool(new URL(simulator.url).origin, { bodyTimeout: 100 });
    try {
      simulator.faults.add({ route: 'accountV4', slowBodyBytesPerSecond: 1 });
      const enfuce = client({
        baseUrl: simulator.url,
        username: simulator.username,
        password: simulator.password,
        timeoutMs: 5000,
        dispatcher,
      });
      const error = await failure(enfuce.getAccount(FIXTURES.accountTopLevel, scope()));
      expect(error.code).toBe('UPSTREAM_TIMEOUT');
      expect((error.cause as { code?: string }).code).toBe('UND_ERR_BODY_TIMEOUT');
    } finally {
      await dispatcher.destroy();
      await simulator.close();
    }
  });

  it('gives up at the deadline with UPSTREAM_TIMEOUT', async () => {
    pool
      .intercept({ path: accountPath(ID) })
      .reply(200, ACCOUNT)
      .delay(1000);
    const error = await failure(client({ timeoutMs: 100 }).getAccount(ID, scope()));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
  });

  it("ends a call at its request's deadline, when that comes first, and makes none past it", async () => {
    pool
      .intercept({ path: accountPath(ID) })
      .reply(200, ACCOUNT)
      .delay(1000);
    const cut = await failure(
      client({ timeoutMs: 2000 }).getAccount(ID, {
        ...scope(),
        deadline: performance.now() + 100,
      }),
    );
    expect(cut.code).toBe('UPSTREAM_TIMEOUT');
    expect(cut.message).toBe('The request ran out of time before the card issuer answered.');

    // No interceptor is left: a call that went out would fail as unavailable, and count.
    const late = Object.assign(countingScope(), { deadline: performance.now() });
    const refused = await failure(client().getAccount(ID, late));
    expect(refused.code).toBe('UPSTREAM_TIMEOUT');
    expect(late.calls).toBe(0);
  });

  it("reads a timeout as the issuer's when the request's deadline left the call most of its time", async () => {
    pool
      .intercept({ path: accountPath(ID) })
      .reply(200, ACCOUNT)
      .delay(1000);
    const shared = new UpstreamPolicy({ retries: 0, breakerThreshold: 1 });
    // As with REQUEST_TIMEOUT_MS equal to ENFUCE_TIMEOUT_MS: a few ms short.
    const error = await failure(
      client({ timeoutMs: 100, policy: shared }).getAccount(ID, {
        ...scope(),
        deadline: performance.now() + 95,
      }),
    );
    expect(error.message).toBe('The card issuer did not answer in time.');
    expect(shared.state().circuit).toBe('open');
  });

  it('refuses an id that is not 1 to 32 digits before building a path', async () => {
    await expect(client().getAccount('../admin', scope())).rejects.toThrow(TypeError);
  });
});

describe('EnfuceClient with the UpstreamPolicy', () => {
  const policy = (options = {}) =>
    new UpstreamPolicy({ backoffInitialMs: 1, backoffMaxMs: 5, ...options });

  it('retries 502, 503 and 504 and then answers', async () => {
    for (const status of [502, 503, 504]) {
      pool.intercept({ path: accountPath(ID) }).reply(status, '');
      pool.intercept({ path: accountPath(ID) }).reply(200, ACCOUNT);
      expect(await client({ policy: policy() }).getAccount(ID, scope())).not.toBeNull();
    }
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED'])(
    'retries a connection that failed with %s',
    async (code) => {
      const failed = Object.assign(new Error('socket hang up'), { code });
      pool.intercept({ path: accountPath(ID) }).replyWithError(failed);
      pool.intercept({ path: accountPath(ID) }).reply(200, ACCOUNT);
      expect(await client({ policy: policy() }).getAccount(ID, scope())).not.toBeNull();
    },
  );

  it('makes at most retries + 1 attempts', async () => {
    pool
      .intercept({ path: accountPath(ID) })
      .reply(503, '')
      .times(3);
    const counted = countingScope();
    const error = await failure(client({ policy: policy() }).getAccount(ID, counted));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(counted.calls).toBe(3);
  });

  it('makes no retry once the request is answered, and no call after', async () => {
    let answered = false;
    // The request is answered while the first attempt's 503 waits for its retry.
    pool.intercept({ path: accountPath(ID) }).reply(503, () => {
      answered = true;
      return '';
    });
    const counted = Object.assign(countingScope(), { closed: () => answered });
    const c = client({ policy: policy() });
    expect((await failure(c.getAccount(ID, counted))).code).toBe('REQUEST_CANCELLED');
    expect(counted.calls).toBe(1);
    expect((await failure(c.getAccount(ID, counted))).code).toBe('REQUEST_CANCELLED');
    expect(counted.calls).toBe(1);
  });

  it.each([500, 400, 401, 404])('never retries %i', async (status) => {
    pool.intercept({ path: accountPath(ID) }).reply(status, '');
    const counted = countingScope();
    await client({ policy: policy() })
      .getAccount(ID, counted)
      .catch(() => undefined);
    expect(counted.calls).toBe(1);
  });

  it('does not wait for a Retry-After that ends after the deadline', async () => {
    pool
      .intercept({ path: accountPath(ID) })
      .reply(429, '', { headers: { 'retry-after': '3600' } });
    const counted = countingScope();
    const error = await failure(client({ policy: policy() }).getAccount(ID, counted));
    // The 429 itself, not a timeout at the deadline (2 s), and no retry.
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.status).toBe(429);
    expect(counted.calls).toBe(1);
  });

  it('opens the circuit after the threshold and then fails without a call', async () => {
    const shared = policy({ breakerThreshold: 2, halfOpenAfterMs: 60_000 });
    pool
      .intercept({ path: accountPath(ID) })
      .reply(500, '')
      .times(2);
    const c = client({ policy: shared });
    await failure(c.getAccount(ID, scope()));
    expect(shared.state().circuit).toBe('closed');
    await failure(c.getAccount(ID, scope()));
    expect(shared.state().circuit).toBe('open');
    const error = await failure(c.getAccount(ID, scope()));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('counts a failed TLS handshake against the issuer without retrying it: the circuit opens', async () => {
    // A server that speaks plain HTTP where the client expects TLS.
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.on('error', () => {});
      socket.once('data', () =>
        socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const shared = policy({ retries: 2, breakerThreshold: 2, halfOpenAfterMs: 60_000 });
    const c = client({
      baseUrl: `https://127.0.0.1:${port}/api`,
      dispatcher: undefined,
      policy: shared,
    });
    try {
      for (let i = 1; i <= 2; i++) {
        const error = await failure(c.getAccount(ID, scope()));
        expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
        expect((error.cause as { code?: string }).code).toMatch(/^ERR_SSL_|^EPROTO$/);
        expect(connections).toBe(i);
      }
      expect(shared.state().circuit).toBe('open');
      await failure(c.getAccount(ID, scope()));
      expect(connections).toBe(2);
    } finally {
      await c.close();
      server.close();
    }
  });

  it('stops a scope at its call budget without sending the call', async () => {
    pool
      .intercept({ path: accountPath(ID) })
      .reply(200, ACCOUNT)
      .times(2);
    const c = client({ policy: policy(), maxCallsPerScope: 2 });
    const mine = scope();
    await c.getAccount(ID, mine);
    await c.getAccount(ID, mine);
    const error = await failure(c.getAccount(ID, mine));
    expect(error.code).toBe('UPSTREAM_CALL_BUDGET_EXCEEDED');
    expect(error.message).toContain('2 calls');
    // Another operation has its own budget.
    pool.intercept({ path: accountPath(ID) }).reply(200, ACCOUNT);
    expect(await c.getAccount(ID, scope())).not.toBeNull();
  });
});

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Wed, 31 Dec 2025 00:00:05 GMT', now)).toBe(0);
    // RFC 850 and asctime, the obsolete forms RFC 9110 asks a recipient to
    // read; asctime names no zone, and is GMT wherever the gateway runs.
    const zone = process.env['TZ'];
    process.env['TZ'] = 'America/New_York';
    try {
      expect(retryAfterMs('Thursday, 01-Jan-26 00:00:07 GMT', now)).toBe(7000);
      expect(retryAfterMs('Thu Jan  1 00:00:09 2026', now)).toBe(9000);
    } finally {
      if (zone === undefined) delete process.env['TZ'];
      else process.env['TZ'] = zone;
    }
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it.each(['1.5', '0.5', '-1', '2, 3'])('ignores %j, which is neither', (value) => {
    expect(retryAfterMs(value, Date.parse('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});
