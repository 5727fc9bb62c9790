import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { FIXTURES, startSimulator } from '../../src/simulator/index.js';
import { EnfuceClient } from '../../src/upstream/client.js';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../helpers/harness.js';
import { signToken } from '../helpers/tokens.js';

const PASSWORD = 'CANARY-p4ss-logging';
const ACCOUNT = 'query OneAccount($id: ID!) { account(id: $id) { id } }';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface LogLine {
  msg: string;
  [field: string]: unknown;
}

describe('request logging and request ids', () => {
  let harness: Harness;
  let token: string;
  const written: string[] = [];
  const lines = () => written.map((line) => JSON.parse(line) as LogLine);
  const requestLines = () => lines().filter((line) => line.msg === 'graphql request');

  beforeAll(async () => {
    harness = await startHarness({
      auth: true,
      upstreamTimeoutMs: 1000,
      simulator: { password: PASSWORD },
      logDestination: { write: (line: string) => void written.push(line) },
    });
    token = await signToken({ sub: 'log-test-user', scope: 'accounts:read:any' });
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    harness.simulator.reset();
    written.length = 0;
  });

  const account = (id: string, headers: Record<string, string> = {}) =>
    harness.execute(ACCOUNT, { id }, headers);

  it("writes Apollo Server's own lines as the gateway's JSON lines", () => {
    harness.gateway.apollo.logger.error('Unexpected error processing request: boom');
    expect(lines()).toEqual([
      expect.objectContaining({ level: 50, msg: 'Unexpected error processing request: boom' }),
    ]);
  });

  it("keeps the caller's x-request-id: in the answer, upstream and in the log line", async () => {
    const reply = await account(FIXTURES.accountExactAmounts, {
      authorization: `Bearer ${token}`,
      'x-request-id': 'checkout-42.a:b',
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['x-request-id']).toBe('checkout-42.a:b');
    const upstream = harness.simulator.log.entries('accountV4');
    expect(upstream).toHaveLength(1);
    expect(upstream[0]!.headers['x-request-id']).toBe('checkout-42.a:b');

    expect(requestLines()).toEqual([
      {
        level: 30,
        time: expect.any(Number),
        pid: expect.any(Number),
        hostname: expect.any(String),
        msg: 'graphql request',
        requestId: 'checkout-42.a:b',
        operation: 'OneAccount',
        sub: 'log-test-user',
        status: 200,
        outcome: 'ok',
        durationMs: expect.any(Number),
        upstreamCalls: 1,
        errorCodes: [],
      },
    ]);
  });

  it('logs an operation name of 5000 characters cut at 100, marked', async () => {
    const name = `Q${'a'.repeat(4999)}`;
    const reply = await harness.execute(`query ${name} { __typename }`, undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(reply.status).toBe(200);
    expect(requestLines()).toEqual([
      expect.objectContaining({ operation: `${name.slice(0, 100)}…`, status: 200 }),
    ]);
  });

  it('generates a request id when none, or an unusable one, is sent', async () => {
    for (const given of [undefined, 'has spaces and\ttabs', 'x'.repeat(129)]) {
      harness.simulator.log.clear();
      written.length = 0;
      const reply = await account(FIXTURES.accountExactAmounts, {
        authorization: `Bearer ${token}`,
        ...(given && { 'x-request-id': given }),
      });
      const id = reply.headers['x-request-id'];
      expect(id).toMatch(UUID);
      expect(harness.simulator.log.entries('accountV4')[0]!.headers['x-request-id']).toBe(id);
      expect(requestLines()[0]!.requestId).toBe(id);
    }
  });

  it('logs one line per failed upstream call, tied to the request by its id', async () => {
    harness.simulator.faults.add({ route: 'accountV4', status: 500, times: 1 });
    const reply = await account(FIXTURES.accountExactAmounts, {
      authorization: `Bearer ${token}`,
      'x-request-id': 'failing-1',
    });
    expect(reply.errors![0]!.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');

    const failures = lines().filter((line) => line.msg === 'upstream call failed');
    expect(failures).toEqual([
      expect.objectContaining({
        level: 40,
        requestId: 'failing-1',
        endpoint: '/account/v4/{id}',
        status: 500,
        code: 'UPSTREAM_UNAVAILABLE',
        cause: null,
        durationMs: expect.any(Number),
      }),
    ]);
    expect(requestLines()).toEqual([
      expect.objectContaining({
        requestId: 'failing-1',
        outcome: 'partial',
        upstreamCalls: 1,
        errorCodes: ['UPSTREAM_UNAVAILABLE'],
      }),
    ]);
  });

  it("answers a null the argument cannot take as the caller's error, and logs nothing unexpected", async () => {
    const reply = await harness.execute(
      `query Nullable($id: ID = "${FIXTURES.accountExactAmounts}") { account(id: $id) { id } }`,
      { id: null },
      { authorization: `Bearer ${token}` },
    );
    expect(reply.status).toBe(200);
    expect(reply.data).toEqual({ account: null });
    expect(reply.errors).toEqual([
      expect.objectContaining({
        message: 'Argument "id" of non-null type "ID!" must not be null.',
        path: ['account'],
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      }),
    ]);
    expect(lines().filter((line) => Number(line.level) >= 50)).toEqual([]);
    expect(harness.simulator.log.count()).toBe(0);
  });

  it.each([
    ['a hash that does not match the query', { version: 1, sha256Hash: 'abc' }],
    ['an unknown version', { version: 2, sha256Hash: 'abc' }],
    ['not an object', 'x'],
  ])(
    'answers a persisted query with %s as BAD_REQUEST, and logs nothing unexpected',
    async (_name, persistedQuery) => {
      const reply = await request(`${harness.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery } }),
      });
      expect(reply.statusCode).toBe(400);
      const body = (await reply.body.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors.map((error) => error.extensions.code)).toEqual(['BAD_REQUEST']);
      expect(lines().filter((line) => Number(line.level) >= 50)).toEqual([]);
      expect(requestLines()).toEqual([
        expect.objectContaining({ status: 400, outcome: 'rejected', errorCodes: ['BAD_REQUEST'] }),
      ]);
    },
  );

  it("names the transport's failure by its code, never by its message", async () => {
    harness.simulator.faults.add({ route: 'accountV4', reset: true });
    const reply = await account(FIXTURES.accountExactAmounts, {
      authorization: `Bearer ${token}`,
      'x-request-id': 'reset-1',
    });
    expect(reply.errors![0]!.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    const failures = lines().filter((line) => line.msg === 'upstream call failed');
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) {
      expect(failure).toMatchObject({ requestId: 'reset-1', status: null, cause: 'ECONNRESET' });
    }
    expect(JSON.stringify(failures)).not.toContain('127.0.0.1');
  });

  it('logs a 200 whose body cannot be used as a failed upstream call', async () => {
    harness.simulator.faults.add({ route: 'accountV4', body: '{"foo":1}', times: 1 });
    const reply = await account(FIXTURES.accountExactAmounts, {
      authorization: `Bearer ${token}`,
      'x-request-id': 'unusable-1',
    });
    expect(reply.errors![0]!.extensions?.code).toBe('UPSTREAM_ERROR');
    const failures = lines().filter((line) => line.msg === 'upstream call failed');
    expect(failures).toEqual([
      expect.objectContaining({
        level: 40,
        requestId: 'unusable-1',
        endpoint: '/account/v4/{id}',
        status: 200,
        code: 'UPSTREAM_ERROR',
      }),
    ]);
  });

  it('logs a request whose caller hung up as abandoned, with its call cut off', async () => {
    harness.simulator.setLatency({ fixedMs: 2000 });
    const caller = new AbortController();
    const hungUp = request(`${harness.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-request-id': 'hung-up-1',
      },
      body: JSON.stringify({ query: ACCOUNT, variables: { id: FIXTURES.accountExactAmounts } }),
      signal: caller.signal,
    }).catch((error: Error) => error);
    // Hangs up once its call has reached the issuer.
    await vi.waitFor(() => expect(harness.simulator.stats.inFlight).toBe(1), { timeout: 1500 });
    caller.abort();
    expect(await hungUp).toBeInstanceOf(Error);

    await vi.waitFor(() => expect(requestLines()).toHaveLength(1), { timeout: 3000 });
    expect(requestLines()[0]).toMatchObject({
      requestId: 'hung-up-1',
      operation: 'OneAccount',
      sub: 'log-test-user',
      status: 200,
      outcome: 'abandoned',
      upstreamCalls: 1,
      errorCodes: ['REQUEST_CANCELLED'],
    });
    // Cut off when the caller left, long before the issuer's 2 s.
    expect(requestLines()[0]!.durationMs).toBeLessThan(1500);
    // The issuer did not fail: no `upstream call failed` line.
    expect(written.join('')).not.toContain('upstream call failed');
  });

  it('logs a request refused before authentication with its code and no caller', async () => {
    const reply = await account(FIXTURES.accountExactAmounts, {
      authorization: 'Bearer CANARY-not-a-jwt',
      'x-request-id': 'refused-1',
    });
    expect(reply.status).toBe(401);
    expect(requestLines()).toEqual([
      expect.objectContaining({
        requestId: 'refused-1',
        operation: null,
        sub: null,
        status: 401,
        outcome: 'rejected',
        upstreamCalls: 0,
        errorCodes: ['UNAUTHENTICATED'],
      }),
    ]);
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('logs a request refused for its Accept header with 406 and its code', async () => {
    const reply = await account(FIXTURES.accountExactAmounts, {
      authorization: `Bearer ${token}`,
      accept: 'text/plain',
      'x-request-id': 'refused-406',
    });
    expect(reply.status).toBe(406);
    expect(requestLines()).toEqual([
      expect.objectContaining({
        requestId: 'refused-406',
        status: 406,
        outcome: 'rejected',
        upstreamCalls: 0,
        errorCodes: ['BAD_REQUEST'],
      }),
    ]);
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('logs a GET refused for announcing a body over the limit', async () => {
    const response = await request(
      `${harness.url}/graphql?query=${encodeURIComponent('{ __typename }')}`,
      {
        method: 'GET',
        headers: { 'apollo-require-preflight': '1', 'x-request-id': 'big-get-1' },
        body: Buffer.alloc(200 * 1024, ' '),
      },
    );
    await response.body.dump();
    expect(response.statusCode).toBe(413);
    await vi.waitFor(() => expect(requestLines()).toHaveLength(1));
    expect(requestLines()[0]).toMatchObject({
      requestId: 'big-get-1',
      status: 413,
      outcome: 'rejected',
      upstreamCalls: 0,
      errorCodes: ['BAD_REQUEST'],
    });
  });

  it('never writes a credential, a token or an authorization header', async () => {
    const { simulator } = harness;
    simulator.faults.add({ route: 'accountV4', status: 401, times: 1 });
    await account(FIXTURES.accountExactAmounts, { authorization: `Bearer ${token}` });
    await account(FIXTURES.accountExactAmounts);
    await harness.execute('{ account(id: ', undefined, {
      authorization: 'Bearer CANARY-not-a-jwt',
    });
    simulator.faults.add({ route: 'accountV4', hang: true, times: 1 });
    await account(FIXTURES.accountNegativeBalance, { authorization: `Bearer ${token}` });

    const all = written.join('');
    expect(lines().length).toBeGreaterThanOrEqual(5);
    const basic = Buffer.from(`${simulator.username}:${PASSWORD}`).toString('base64');
    for (const secret of [PASSWORD, basic, 'Basic ', token, 'Bearer ', 'CANARY', simulator.url]) {
      expect(all).not.toContain(secret);
    }
  });
});

describe('an unexpected error', () => {
  it.each([
    ['outside production', {}],
    ['in production', { NODE_ENV: 'production' }],
  ])(
    'is logged once for its request, %s, and answered as an internal error alone',
    async (_mode, mode) => {
      const simulator = await startSimulator();
      const written: string[] = [];
      // A fault of the gateway's own, which no upstream answer can cause.
      class BrokenClient extends EnfuceClient {
        override async getAccount(): Promise<never> {
          throw new TypeError(
            'Cannot read properties of undefined at http://issuer.internal:8443/',
          );
        }
      }
      const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...mode });
      const gateway = await createGateway(config, {
        simulatorUrl: simulator.url,
        client: new BrokenClient({
          baseUrl: simulator.url,
          username: 'u',
          password: 'p',
          timeoutMs: 1000,
        }),
        logger: createLogger('info', false, { write: (line: string) => void written.push(line) }),
      });
      try {
        const url = await gateway.listen();
        const ids = simulator.data
          .accountsOf(FIXTURES.customerWith30)
          .slice(0, 3)
          .map((account) => account.id);
        const response = await request(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': 'broken-1' },
          body: JSON.stringify({
            query: 'query ($ids: [ID!]!) { accounts(ids: $ids) { id } }',
            variables: { ids },
          }),
        });
        const text = await response.body.text();
        const body = JSON.parse(text) as { errors: { message: string; extensions: object }[] };
        // The code and a fixed message only: no stack, no original text.
        expect(body.errors.map(({ message, extensions }) => ({ message, extensions }))).toEqual(
          Array(3).fill({
            message: 'Internal server error',
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          }),
        );
        expect(text).not.toContain('issuer.internal');
        const unexpected = written
          .map((line) => JSON.parse(line) as LogLine)
          .filter((line) => line.msg === 'unexpected error');
        expect(unexpected).toEqual([
          expect.objectContaining({
            requestId: 'broken-1',
            errors: 3,
            err: expect.objectContaining({ type: 'TypeError' }),
          }),
        ]);
      } finally {
        await gateway.close();
        await simulator.close();
      }
    },
  );

  it('thrown while the request was let in is logged with its request id', async () => {
    const simulator = await startSimulator();
    const written: string[] = [];
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ENFUCE_BASE_URL: simulator.url,
      ENFUCE_USERNAME: simulator.username,
      ENFUCE_PASSWORD: simulator.password,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      CALLER_MAX_IN_FLIGHT: '1',
    });
    const gateway = await createGateway(config, {
      // A fault of the gateway's own in the context function, before any operation.
      callerShares: {
        enter() {
          throw new TypeError('the count is broken');
        },
        leave() {},
        excuse() {},
      },
      logger: createLogger('info', false, { write: (line: string) => void written.push(line) }),
    });
    try {
      const url = await gateway.listen();
      const response = await request(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': 'broken-context-1',
          authorization: `Bearer ${await signToken({ scope: 'accounts:read:any' })}`,
        },
        body: JSON.stringify({ query: ACCOUNT, variables: { id: FIXTURES.accountExactAmounts } }),
      });
      const body = (await response.body.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors.map((error) => error.extensions.code)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(
        written
          .map((line) => JSON.parse(line) as LogLine)
          .filter((line) => line.msg === 'unexpected error'),
      ).toEqual([
        expect.objectContaining({
          requestId: 'broken-context-1',
          err: expect.objectContaining({ type: 'TypeError', message: 'the count is broken' }),
        }),
      ]);
      expect(simulator.log.count()).toBe(0);
    } finally {
      await gateway.close();
      await simulator.close();
    }
  });
});
