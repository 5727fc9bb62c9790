/**
 * GraphQL over HTTP at the edges (RELIABILITY.md rows H1 to H8): oversized
 * and broken bodies, CSRF-prone requests, wrong methods and batches each get
 * the status the contract names, a GraphQL-shaped JSON body, and no
 * execution: the simulator log stays empty and no caller token is checked.
 */
import { connect, type Socket } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FIXTURES } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { scrape } from '../helpers/prometheus.js';
import { anyCustomerToken, bearer } from '../helpers/tokens.js';

const JSON_TYPE = { 'content-type': 'application/json' };
// Touches the upstream when executed, so any execution shows in the simulator log.
const QUERY = `{ account(id: "${FIXTURES.accountExactAmounts}") { id } }`;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer },
  search = '',
): Promise<Reply> {
  const response = await request(`${url}/graphql${search}`, {
    method: (options.method ?? 'POST') as 'POST',
    headers: options.headers,
    body: options.body,
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    text,
    body: text === '' ? {} : JSON.parse(text),
  };
}

const codeOf = (reply: Reply) => reply.body.errors?.[0]?.extensions?.code;

/** The answer to a body over MAX_BODY_BYTES. */
const tooLarge = (limit: number) => ({
  errors: [
    {
      message: `The request body is larger than the limit of ${limit} bytes.`,
      extensions: { code: 'BAD_REQUEST' },
    },
  ],
});

describe('HTTP hardening of /graphql with auth on', () => {
  let harness: Harness;

  beforeAll(async () => {
    // With auth on, a request that reached the context function would be 401:
    // a 400 here proves the refusal came first.
    harness = await startHarness({ auth: true });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.simulator.log.clear());

  it('answers 413 with a JSON error for a 200 KiB body and stays healthy (H1)', async () => {
    const body = JSON.stringify({ query: QUERY, variables: { pad: 'x'.repeat(200 * 1024) } });
    const reply = await send(harness.url, { headers: JSON_TYPE, body });
    expect(reply.status).toBe(413);
    expect(reply.body).toEqual(tooLarge(102400));
    expect(harness.simulator.log.count()).toBe(0);

    const live = await request(`${harness.url}/health/live`);
    expect(live.statusCode).toBe(200);
    await live.body.dump();
  });

  it('answers 413 for a GET that announces a body beyond the limit, and runs nothing', async () => {
    const body = Buffer.alloc(200 * 1024, ' ');
    const reply = await send(
      harness.url,
      { method: 'GET', headers: { ...JSON_TYPE, 'apollo-require-preflight': '1' }, body },
      `?query=${encodeURIComponent(QUERY)}`,
    );
    expect(reply.status).toBe(413);
    expect(codeOf(reply)).toBe('BAD_REQUEST');
    expect(reply.body.errors?.[0]?.message).toBe(
      'The request body is larger than the limit of 102400 bytes.',
    );
    expect(harness.simulator.log.count()).toBe(0);
  });

  describe('a GET with a body', () => {
    /** A GET of QUERY over a socket of its own, `headers` (each ending in CRLF) and then `body`. */
    function rawGet(headers: string, body = ''): Socket {
      const { port } = new URL(harness.url);
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => {});
      socket.write(
        `GET /graphql?query=${encodeURIComponent(QUERY)} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          `Apollo-Require-Preflight: 1\r\n${headers}\r\n${body}`,
      );
      return socket;
    }

    /** rawGet with a valid token and `framing`; what came back until the server closed. */
    async function getWithBody(
      body: string,
      framing = 'Transfer-Encoding: chunked',
    ): Promise<string> {
      const token = await anyCustomerToken();
      const socket = rawGet(
        `Authorization: Bearer ${token}\r\nConnection: close\r\n${framing}\r\n`,
        body,
      );
      let received = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
      await new Promise((resolve) => socket.once('close', resolve));
      return received;
    }

    it('of unknown length is refused with 413 at its first byte, before the end that never comes, and runs nothing', async () => {
      // One chunk and no last one: the answer must not wait for the body.
      const answer = await getWithBody('5\r\nhello\r\n');
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toMatch(/\r\nconnection: close\r\n/i);
      expect(answer).toContain(
        '"message":"A GET request carries its query in the URL and no body; this one sent a body."',
      );
      expect(harness.simulator.log.count()).toBe(0);
    });

    it('is still counted when the caller leaves before the body ends', async () => {
      const inFlight = async () =>
        (await scrape(harness.url)).value('gateway_graphql_requests_in_flight');
      const refused = async () =>
        (await scrape(harness.url)).value('gateway_graphql_request_duration_seconds_count', {
          outcome: 'rejected',
        });
      const before = await refused();
      const socket = rawGet('Transfer-Encoding: chunked\r\n');
      await expect.poll(inFlight).toBe(1);
      socket.destroy();
      await expect.poll(inFlight).toBe(0);
      expect(await refused()).toBe(before + 1);
      expect(harness.simulator.log.count()).toBe(0);
    });

    it('of a Content-Length is refused with 413 unread, and runs nothing while it is still coming', async () => {
      // Announced and never sent: the answer must not wait for it.
      const answer = await getWithBody('', 'Content-Length: 10');
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toMatch(/\r\nconnection: close\r\n/i);
      expect(answer).toContain('this one sent a body.');
      expect(harness.simulator.log.count()).toBe(0);
    });

    it.each([
      ['chunked', '0\r\n\r\n', undefined],
      ['of Content-Length 0', '', 'Content-Length: 0'],
    ])(
      'is served when the body is empty (%s), as some proxies send every GET',
      async (_name, body, framing) => {
        const answer = await getWithBody(body, framing);
        expect(answer).toMatch(/^HTTP\/1\.1 200 /);
        expect(answer).toContain(`"id":"${FIXTURES.accountExactAmounts}"`);
        expect(harness.simulator.log.count()).toBe(1);
      },
    );
  });

  it.each(['application/graphql', 'text/xml', undefined])(
    'answers 413, not 415, for a body beyond the limit sent as %s',
    async (type) => {
      const reply = await send(harness.url, {
        headers: type ? { 'content-type': type } : {},
        body: Buffer.alloc(200 * 1024, ' '),
      });
      expect(reply.status).toBe(413);
      expect(codeOf(reply)).toBe('BAD_REQUEST');
      expect(harness.simulator.log.count()).toBe(0);
    },
  );

  it('answers 413 for a 10 MB body sent without Content-Length', async () => {
    const { port } = new URL(harness.url);
    const socket = connect(Number(port), '127.0.0.1');
    // The server may close while the body is still being written.
    socket.on('error', () => {});
    let received = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
    // Not events.once: it rejects on the 'error' of a write the server cut short.
    const closed = new Promise((resolve) => socket.once('close', resolve));
    const next = (event: 'drain' | 'data') => new Promise((resolve) => socket.once(event, resolve));
    socket.write(
      'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        'Transfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = `10000\r\n${'x'.repeat(0x10000)}\r\n`;
    const start = '{"query":"{ __typename }","variables":{"pad":"';
    socket.write(`${start.length.toString(16)}\r\n${start}\r\n`);
    for (let sent = 0; sent < 10 * 1024 * 1024 && received === '' && !socket.destroyed;) {
      sent += 0x10000;
      if (!socket.write(chunk)) {
        await Promise.race([next('drain'), closed, next('data')]);
      }
    }
    await Promise.race([
      closed,
      vi.waitFor(() => expect(received).toContain('\r\n\r\n'), { timeout: 10_000 }),
    ]);
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(harness.simulator.log.count()).toBe(0);
  });

  it.each([
    ['truncated JSON', '{"query":'],
    ['an empty body', ''],
    ['JSON with __proto__', '{"__proto__":{"polluted":1},"query":"{ __typename }"}'],
  ])('answers 400 with a JSON error for %s (H2)', async (_name, body) => {
    const reply = await send(harness.url, { headers: JSON_TYPE, body });
    expect(reply.status).toBe(400);
    expect(codeOf(reply)).toBe('BAD_REQUEST');
    expect(reply.text).not.toMatch(/stack|\n\s+at /);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['text/plain', JSON.stringify({ query: QUERY })],
    ['application/x-www-form-urlencoded', `query=${encodeURIComponent(QUERY)}`],
    [
      'multipart/form-data; boundary=x',
      `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${QUERY}\r\n--x--`,
    ],
  ])('refuses a simple %s POST as CSRF with 400 BAD_REQUEST (H3, H4)', async (type, body) => {
    const reply = await send(harness.url, { headers: { 'content-type': type }, body });
    expect(reply.status).toBe(400);
    expect(codeOf(reply)).toBe('BAD_REQUEST');
    expect(reply.body.errors![0]!.message).toMatch(/Cross-Site Request Forgery/);
    expect(reply.body.data).toBeUndefined();
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('answers 415 for a POST in another media type', async () => {
    const reply = await send(harness.url, {
      headers: { 'content-type': 'application/xml' },
      body: '<q/>',
    });
    expect(reply.status).toBe(415);
    expect(reply.body.errors![0]!.message).toBe('The Content-Type must be application/json.');
  });

  it('refuses a GET without a preflight header, and lets one with it through to the token check (H5)', async () => {
    const search = `?query=${encodeURIComponent('{ __typename }')}`;
    const refused = await send(harness.url, { method: 'GET' }, search);
    expect(refused.status).toBe(400);
    expect(codeOf(refused)).toBe('BAD_REQUEST');

    const unauthenticated = await send(
      harness.url,
      { method: 'GET', headers: { 'apollo-require-preflight': '1' } },
      search,
    );
    // Past the CSRF check, the caller's token is the next thing checked.
    expect(unauthenticated.status).toBe(401);
  });

  it.each(['PUT', 'PATCH', 'DELETE'])(
    'answers %s with 405 and Allow: GET, POST (H7)',
    async (method) => {
      const reply = await send(harness.url, {
        method,
        headers: JSON_TYPE,
        body: JSON.stringify({ query: QUERY }),
      });
      expect(reply.status).toBe(405);
      expect(reply.headers.allow).toBe('GET, POST');
      expect(codeOf(reply)).toBe('BAD_REQUEST');
      expect(harness.simulator.log.count()).toBe(0);
    },
  );

  it.each([
    ['PUT', 'text/xml', '<query/>'],
    ['PATCH', 'application/json', '{'],
    ['DELETE', 'application/json', JSON.stringify({ query: QUERY })],
  ])('answers %s with a %s body with 405 before reading it', async (method, type, body) => {
    const reply = await send(harness.url, { method, headers: { 'content-type': type }, body });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, POST');
    // The body was not read, so the connection does not carry on after it.
    expect(reply.headers.connection).toBe('close');
    expect(codeOf(reply)).toBe('BAD_REQUEST');
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('answers 406 to an Accept no answer can meet, before the token and any call', async () => {
    const reply = await send(harness.url, {
      headers: { ...JSON_TYPE, accept: 'text/plain' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(reply.status).toBe(406);
    expect(codeOf(reply)).toBe('BAD_REQUEST');
    expect(harness.simulator.log.count()).toBe(0);
  });

  it.each(['POST', 'GET'])(
    'answers 431 to a %s whose Accept is longer than 1024 characters, negotiating nothing',
    async (method) => {
      // Acceptable, and HTML first: only its length refuses it.
      const accept = `text/html,${Array(300).fill('application/json').join(',')}`;
      const reply = await send(
        harness.url,
        method === 'POST'
          ? { headers: { ...JSON_TYPE, accept }, body: JSON.stringify({ query: QUERY }) }
          : { method, headers: { 'apollo-require-preflight': '1', accept } },
        method === 'GET' ? `?query=${encodeURIComponent(QUERY)}` : '',
      );
      expect(reply.status).toBe(431);
      expect(reply.body.errors?.[0]?.message).toBe(
        'The Accept header is longer than 1024 characters.',
      );
      expect(codeOf(reply)).toBe('BAD_REQUEST');
      expect(harness.simulator.log.count()).toBe(0);
    },
  );

  // Node 20's parser refuses QUERY (400, not HTTP); later Nodes get the same 405.
  it('answers TRACE with 405 and Allow: GET, POST', async () => {
    const response = await request(`${harness.url}/graphql`, { method: 'TRACE' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, POST');
    expect(((await response.body.json()) as { errors: unknown[] }).errors).toEqual([
      { message: 'Only GET, POST are allowed on /graphql.', extensions: { code: 'BAD_REQUEST' } },
    ]);
  });

  it('answers HEAD with 405 and no body', async () => {
    const response = await request(`${harness.url}/graphql`, { method: 'HEAD' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, POST');
    await response.body.dump();
  });

  it('answers a mutation over GET with 401 without a token, and 405 and Allow: POST with one (H7)', async () => {
    const mutation = `?query=${encodeURIComponent('mutation { __typename }')}`;
    const headers = { 'apollo-require-preflight': '1' };
    // The caller is checked first with auth on.
    const anonymous = await send(harness.url, { method: 'GET', headers }, mutation);
    expect(anonymous.status).toBe(401);
    const token = await anyCustomerToken();
    const refused = await send(
      harness.url,
      { method: 'GET', headers: { ...headers, ...bearer(token) } },
      mutation,
    );
    expect(refused.status).toBe(405);
    expect(refused.headers.allow).toBe('POST');
    expect(codeOf(refused)).toBe('BAD_REQUEST');
  });
});

describe('HTTP hardening of /graphql, token first', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ auth: true });
  });
  afterAll(() => harness.close());

  // Apollo Server builds the context (the caller) before it looks at the
  // operation: without a token these are 401; with one, the usual 400s.
  it('answers a batch with 401 without a token and 400 with one (H8)', async () => {
    const body = JSON.stringify(Array.from({ length: 11 }, () => ({ query: QUERY })));
    const anonymous = await send(harness.url, { headers: JSON_TYPE, body });
    expect(anonymous.status).toBe(401);
    const token = await anyCustomerToken();
    const refused = await send(harness.url, { headers: { ...JSON_TYPE, ...bearer(token) }, body });
    expect(refused.status).toBe(400);
    expect(refused.body.errors![0]!.message).toBe('Operation batching disabled.');
    expect(harness.simulator.log.count()).toBe(0);
  });
});

describe('HTTP hardening of /graphql without auth', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('answers a mutation over GET with 405, Allow: POST and BAD_REQUEST (H7)', async () => {
    const response = await request(
      `${harness.url}/graphql?query=${encodeURIComponent('mutation { __typename }')}`,
      { headers: { 'apollo-require-preflight': '1' } },
    );
    const body = (await response.body.json()) as { errors: { extensions: { code: string } }[] };
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(body.errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });

  // A POST is refused before the token (above); a GET may also ask for the landing page.
  it.each([
    'image/png',
    // HTML, but not first: no landing page, and no JSON either.
    'text/html;q=0.5, multipart/mixed',
  ])('answers a GET accepting only %s with 406 and runs nothing', async (accept) => {
    harness.simulator.log.clear();
    const reply = await send(
      harness.url,
      { method: 'GET', headers: { 'apollo-require-preflight': '1', accept } },
      `?query=${encodeURIComponent(QUERY)}`,
    );
    expect(reply.status).toBe(406);
    expect(codeOf(reply)).toBe('BAD_REQUEST');
    expect(harness.simulator.log.count()).toBe(0);
  });

  it.each([
    ['application/graphql-response+json', 'application/graphql-response+json; charset=utf-8'],
    ['application/json;q=0.5, text/plain', 'application/json; charset=utf-8'],
    ['*/*', 'application/json; charset=utf-8'],
  ])('answers Accept: %s as %s', async (accept, type) => {
    const reply = await send(harness.url, {
      headers: { ...JSON_TYPE, accept },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(type);
  });

  it('answers a GET query with a preflight header (H5)', async () => {
    const response = await request(
      `${harness.url}/graphql?query=${encodeURIComponent('{ __typename }')}`,
      { headers: { 'apollo-require-preflight': '1' } },
    );
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toEqual({
      data: { __typename: 'Query' },
      extensions: { upstream: { calls: 0 } },
    });
    // One caller's data: no shared cache keeps it.
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('marks every GraphQL answer, refusals too, no-store; not the health endpoints', async () => {
    const posted = await send(harness.url, {
      headers: JSON_TYPE,
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(posted.status).toBe(200);
    expect(posted.headers['cache-control']).toBe('no-store');
    const refused = await send(harness.url, { headers: JSON_TYPE, body: '{' });
    expect(refused.status).toBe(400);
    expect(refused.headers['cache-control']).toBe('no-store');
    const live = await request(`${harness.url}/health/live`);
    await live.body.dump();
    expect(live.headers['cache-control']).toBeUndefined();
  });

  it.each([['null'], ['5'], ['"text"'], ['{}']])(
    'answers 400 BAD_REQUEST for the JSON body %s',
    async (body) => {
      const reply = await send(harness.url, { headers: JSON_TYPE, body });
      expect(reply.status).toBe(400);
      expect(codeOf(reply)).toBe('BAD_REQUEST');
    },
  );

  it('answers 415 to a GET with a text/plain Content-Type (H6)', async () => {
    const reply = await send(
      harness.url,
      {
        method: 'GET',
        headers: { 'apollo-require-preflight': '1', 'content-type': 'text/plain' },
      },
      `?query=${encodeURIComponent(QUERY)}`,
    );
    expect(reply.status).toBe(415);
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('answers a 50 000-digit literal with a message that does not repeat it whole', async () => {
    const digits = '9'.repeat(50_000);
    const reply = await harness.execute(
      `{ customer(id: "1") { accounts(first: ${digits}) { nodes { id } } } }`,
    );
    expect(reply.status).toBe(400);
    const [error] = reply.errors!;
    expect(error!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error!.message).toMatch(/^Int cannot represent non 32-bit signed integer value: 9+…$/);
    expect(error!.message.length).toBe(501);
  });

  it('refuses a batch of 11 operations with 400 and executes none (H8)', async () => {
    const body = JSON.stringify(Array.from({ length: 11 }, () => ({ query: QUERY })));
    const reply = await send(harness.url, { headers: JSON_TYPE, body });
    expect(reply.status).toBe(400);
    expect(reply.body.errors![0]!.message).toBe('Operation batching disabled.');
    expect(harness.simulator.log.count()).toBe(0);
  });
});

describe('slow clients (P2)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('keeps answering while 100 sockets drip headers, and closes them after headersTimeout', async () => {
    const { port } = new URL(harness.url);
    const sockets = await Promise.all(
      Array.from(
        { length: 100 },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
            socket.once('error', reject);
          }),
      ),
    );
    // What each socket was sent before it closed, and when it closed.
    const closed = sockets.map(
      (socket) =>
        new Promise<{ received: string; at: number }>((resolve) => {
          let received = '';
          socket.on('error', () => {});
          socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
          socket.once('close', () => resolve({ received, at: performance.now() }));
        }),
    );
    const startedAt = performance.now();
    for (const socket of sockets) socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const drip = setInterval(() => {
      for (const socket of sockets) if (!socket.destroyed) socket.write('a');
    }, 1000);
    try {
      const live = await request(`${harness.url}/health/live`);
      expect(live.statusCode).toBe(200);
      await live.body.dump();
      const reply = await harness.execute('{ __typename }');
      expect(reply.data).toEqual({ __typename: 'Query' });

      // headersTimeout is 10 s, checked every second; the slack is generous.
      const ends = await Promise.race([
        Promise.all(closed),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('slow sockets still open after 20 s')), 20_000),
        ),
      ]);
      // Held until the timeout, not closed at once; told so, or closed silently.
      for (const { received, at } of ends) {
        expect(at - startedAt).toBeGreaterThanOrEqual(9000);
        expect(received).toMatch(/^(HTTP\/1\.1 408 |$)/);
      }
    } finally {
      clearInterval(drip);
      for (const socket of sockets) socket.destroy();
    }
  }, 30_000);
});

describe("what Node's HTTP parser refuses", () => {
  let harness: Harness;
  const lines: { msg: string; requestId?: string; status?: number; outcome?: string }[] = [];
  beforeAll(async () => {
    harness = await startHarness({
      logDestination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
  });
  afterAll(() => harness.close());

  /** Writes `text` on a new connection and reads until the server closes it. */
  async function raw(text: string): Promise<string> {
    const { port } = new URL(harness.url);
    const socket = connect(Number(port), '127.0.0.1');
    // A refused request may still be arriving when the server closes; what
    // it answered before is what counts.
    socket.on('error', () => {});
    socket.write(text);
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    await new Promise((resolve) => socket.once('close', resolve));
    return received;
  }

  /** Status and GraphQL-shaped body of a raw answer. */
  function parsed(answer: string) {
    const [head, body] = answer.split('\r\n\r\n');
    return { status: Number(head!.split(' ')[1]), head: head!, body: JSON.parse(body!) };
  }

  it.each([
    ['a Host no URL can be built on', 'POST /graphql HTTP/1.1\r\nHost: [\r\n'],
    ['no Host, on HTTP/1.0', 'POST /graphql HTTP/1.0\r\n'],
  ])('answers a request with %s with 400, not a 500', async (_case, head) => {
    const body = JSON.stringify({ query: QUERY });
    lines.length = 0;
    const answer = parsed(
      await raw(
        `${head}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      ),
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      errors: [
        {
          message: 'The Host header must name the host the request is for.',
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
    expect(lines.map((line) => line.msg)).not.toContain('unexpected HTTP error');
    expect(lines.find((line) => line.msg === 'graphql request')?.status).toBe(400);
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('refuses a GET of 2000 aliases with 400 like a POST, before any call', async () => {
    const aliases = Array.from({ length: 2000 }, (_, i) => `a${i}: __typename`).join(' ');
    const answer = parsed(
      await raw(
        `GET /graphql?query=${encodeURIComponent(`{ ${aliases} }`)} HTTP/1.1\r\nHost: x\r\n` +
          'apollo-require-preflight: 1\r\nConnection: close\r\n\r\n',
      ),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('answers a request line beyond a body of the limit with 431 and a GraphQL error', async () => {
    const before = (await scrape(harness.url)).value('gateway_http_parser_refusals_total', {
      status: '431',
    });
    const answer = parsed(
      // Just past the limit, in one write the server reads whole: bytes left
      // unread when it closes would make the close a reset.
      await raw(`GET /graphql?query=${'x'.repeat(118 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`),
    );
    expect(answer.status).toBe(431);
    expect(answer.head).toMatch(/\r\ncontent-type: application\/json; charset=utf-8\r\n/i);
    expect(answer.body).toEqual({
      errors: [
        {
          message: 'The request line and headers are larger than 118784 bytes.',
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
    // No request reached fastify, so no request line or request metric tells of it: this does.
    const after = await scrape(harness.url);
    expect(after.value('gateway_http_parser_refusals_total', { status: '431' })).toBe(before + 1);
  });

  it('answers bytes that are not HTTP with 400 and a GraphQL error, and counts it', async () => {
    const counted = async () =>
      (await scrape(harness.url)).value('gateway_http_parser_refusals_total', { status: '400' });
    const before = await counted();
    const answer = parsed(await raw('HELLO /graphql SMTP/2\r\n\r\n'));
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].extensions).toEqual({ code: 'BAD_REQUEST' });
    expect(await counted()).toBe(before + 1);
  });

  it('answers a body that stops arriving with 408, and logs the request as 408', async () => {
    // The gateway's 30 s, shortened on this server (Node ignores a request
    // timeout below the headers timeout); Node checks every second.
    Object.assign(harness.gateway.app.server, { headersTimeout: 1000, requestTimeout: 1500 });
    const answer = parsed(
      await raw(
        'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          'Content-Length: 100\r\nX-Request-Id: stalled-body\r\n\r\n{"query":',
      ),
    );
    expect(answer.status).toBe(408);
    expect(answer.body.errors[0]).toEqual({
      message: 'The request did not arrive in time.',
      extensions: { code: 'BAD_REQUEST' },
    });
    await expect
      .poll(() => lines.find((line) => line.requestId === 'stalled-body'))
      .toMatchObject({ status: 408, outcome: 'rejected' });
  }, 10_000);
});

describe('OPTIONS on /graphql without CORS (no origin allowed)', () => {
  let harness: Harness;
  beforeAll(async () => {
    // Without introspection not even Apollo Studio's origin is allowed.
    harness = await startHarness({ auth: true, env: { INTROSPECTION: 'false' } });
  });
  afterAll(() => harness.close());

  it('answers 204 with the methods, before the token check and without running anything', async () => {
    const response = await request(`${harness.url}/graphql`, {
      method: 'OPTIONS',
      headers: { 'apollo-require-preflight': '1' },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers.allow).toBe('GET, POST, OPTIONS');
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(await response.body.text()).toBe('');
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('refuses an OPTIONS announcing a body over the limit with 413, unread', async () => {
    const reply = await send(harness.url, {
      method: 'OPTIONS',
      headers: { 'content-type': 'application/octet-stream' },
      body: 'x'.repeat(200 * 1024),
    });
    expect(reply.status).toBe(413);
    expect(codeOf(reply)).toBe('BAD_REQUEST');
  });
});

describe('MAX_BODY_BYTES set lower', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { MAX_BODY_BYTES: '2048' } });
  });
  afterAll(() => harness.close());

  it('refuses a body one byte over it with 413 and runs one of exactly the limit', async () => {
    const sized = (bytes: number) => {
      const empty = JSON.stringify({ query: QUERY, variables: { pad: '' } });
      return JSON.stringify({ query: QUERY, variables: { pad: 'x'.repeat(bytes - empty.length) } });
    };
    const over = await send(harness.url, { headers: JSON_TYPE, body: sized(2049) });
    expect(over.status).toBe(413);
    expect(over.body).toEqual(tooLarge(2048));
    expect(harness.simulator.log.count()).toBe(0);
    const under = await send(harness.url, { headers: JSON_TYPE, body: sized(2048) });
    expect(under.status).toBe(200);
    expect(harness.simulator.log.count()).toBe(1);
  });
});
