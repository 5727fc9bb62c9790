/**
 * Fuzzing over real HTTP (RELIABILITY.md I1, P3): random ids, variables,
 * query strings, headers and raw bodies. Every reply is a proper HTTP
 * response with a status in {200, 400, 401, 405, 413, 415}; never a 500, a
 * dropped socket or a crash; and the simulator never sees a request built
 * from an id that is not 1 to 32 ASCII digits.
 */
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/simulator/index.js';
import { BAD_IDS } from '../helpers/badIds.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const ALLOWED = new Set([200, 400, 401, 405, 413, 415]);
const VALID_ID = /^[0-9]{1,32}$/;

interface Raw {
  status: number;
  text: string;
}

async function post(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Raw> {
  const response = await request(`${url}/graphql`, { method: 'POST', headers, body });
  return { status: response.statusCode, text: await response.body.text() };
}

/** A proper reply: an allowed status and, unless HEAD-like, a JSON body. */
function expectProper(reply: Raw): void {
  if (!ALLOWED.has(reply.status)) {
    throw new Error(`Status ${reply.status} is not allowed; body: ${reply.text.slice(0, 300)}`);
  }
  const body = JSON.parse(reply.text) as { data?: unknown; errors?: unknown[] };
  expect(body.data !== undefined || Array.isArray(body.errors)).toBe(true);
  expect(reply.text).not.toContain('Internal server error');
}

// Ids a careless gateway would turn into a different URL, plus random text.
const nastyId = fc.oneof(
  fc.constantFrom(...BAD_IDS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^[0-9]{1,40}$/),
  fc.stringMatching(/^[0-9./%?#a-z-]{1,12}$/),
);

// Pieces of GraphQL, so random documents get past the lexer now and then.
const token = fc.constantFrom(
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ':',
  '...',
  '@skip(if: true)',
  '@include(if: $v)',
  'query',
  'mutation',
  'subscription',
  'fragment F on Account',
  '...F',
  'on',
  'account',
  'accounts',
  'customer',
  '_entities',
  '_service',
  'sdl',
  '__schema',
  '__typename',
  'id',
  'number',
  'parent',
  'balance',
  'amount',
  'nodes',
  'edges',
  '(id: "1000000101")',
  '(id: $id)',
  '(ids: ["1", "2"])',
  '(first: 101)',
  '(after: "x")',
  '(representations: [{ __typename: "Account", id: "1" }])',
  'a:',
  '$id: ID!',
  '"str"',
  '1e999',
  '#',
  '\n',
);
const document = fc.oneof(
  fc.array(token, { maxLength: 40 }).map((parts) => parts.join(' ')),
  fc.string({ maxLength: 200 }),
);

describe('fuzzing the GraphQL endpoint', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  const upstreamIdsAreClean = () => {
    for (const entry of harness.simulator.log.entries()) {
      expect(entry.route).toBeDefined();
      if (entry.id !== undefined) expect(entry.id).toMatch(VALID_ID);
    }
  };

  it('never builds an upstream call from an invalid id (I1)', async () => {
    await fc.assert(
      fc.asyncProperty(
        nastyId,
        fc.constantFrom('account', 'accounts', 'customer', 'entities'),
        async (id, field) => {
          harness.simulator.log.clear();
          const query = {
            account: 'query($id: ID!) { account(id: $id) { id number parent { number } } }',
            accounts: 'query($id: ID!) { accounts(ids: [$id, "1000000101"]) { id } }',
            customer:
              'query($id: ID!) { customer(id: $id) { id displayName accounts(first: 2) { nodes { id } } } }',
            entities:
              'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { id number } ... on Customer { id displayName } } }',
          }[field];
          const variables =
            field === 'entities'
              ? {
                  r: [
                    { __typename: 'Account', id },
                    { __typename: 'Customer', id },
                  ],
                }
              : { id };
          const reply = await post(harness.url, JSON.stringify({ query, variables }));
          expectProper(reply);
          upstreamIdsAreClean();
          if (!VALID_ID.test(id)) {
            expect(reply.text).toContain('BAD_USER_INPUT');
            const reads = [
              ...harness.simulator.log.accountReads(),
              ...harness.simulator.log.customerReads(),
              ...harness.simulator.log.pageReads().map((page) => page.customerId),
            ];
            expect(reads).not.toContain(id);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each(BAD_IDS)(
    'I1: refuses account(id: %j) at its own path, answers the sibling, calls nothing for it',
    async (id) => {
      harness.simulator.log.clear();
      const query = `query($id: ID!) {
        account(id: $id) { id }
        sibling: account(id: "${FIXTURES.accountExactAmounts}") { id }
      }`;
      const reply = await post(harness.url, JSON.stringify({ query, variables: { id } }));
      expect(reply.status).toBe(200);
      const body = JSON.parse(reply.text) as {
        data: { account: unknown; sibling: { id: string } };
        errors: { message: string; path: string[]; extensions: { code: string } }[];
      };
      expect(body.data).toEqual({ account: null, sibling: { id: FIXTURES.accountExactAmounts } });
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0]).toMatchObject({
        path: ['account'],
        extensions: { code: 'BAD_USER_INPUT' },
      });
      // No raw control character echoed into the message.
      expect([...body.errors[0]!.message].some((char) => char.charCodeAt(0) < 0x20)).toBe(false);
      expect(harness.simulator.log.accountReads()).toEqual([FIXTURES.accountExactAmounts]);
    },
  );

  it('answers random variables properly', async () => {
    const query = `query($id: ID!, $ids: [ID!]!, $first: Int, $after: String) {
      account(id: $id) { id }
      accounts(ids: $ids) { id }
      customer(id: "${FIXTURES.corporateCustomer}") { accounts(first: $first, after: $after) { nodes { id } } }
    }`;
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            id: fc.oneof(fc.jsonValue(), nastyId, fc.bigInt().map(Number)),
            ids: fc.oneof(fc.array(nastyId, { maxLength: 120 }), fc.jsonValue()),
            first: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()),
            after: fc.oneof(fc.string({ maxLength: 60 }), fc.base64String(), fc.jsonValue()),
          },
          { requiredKeys: [] },
        ),
        async (variables) => {
          harness.simulator.log.clear();
          const reply = await post(harness.url, JSON.stringify({ query, variables }));
          expectProper(reply);
          upstreamIdsAreClean();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers random documents properly', async () => {
    await fc.assert(
      fc.asyncProperty(
        document,
        fc.option(fc.jsonValue()),
        fc.option(fc.string()),
        async (query, variables, operationName) => {
          harness.simulator.log.clear();
          const reply = await post(
            harness.url,
            JSON.stringify({
              query,
              variables: { id: '1', v: true, ...(variables as object) },
              operationName,
            }),
          );
          expectProper(reply);
          upstreamIdsAreClean();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('answers random bodies, media types and methods properly (P3)', async () => {
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/graphql-response+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/json; charset=latin1',
    );
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }),
      fc.json().map((text) => new TextEncoder().encode(text)),
      fc.jsonValue().map((value) => new TextEncoder().encode(JSON.stringify({ query: value }))),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        contentType,
        body,
        fc.boolean(),
        async (method, type, payload, preflight) => {
          const headers: Record<string, string> = { 'content-type': type };
          if (preflight) headers['apollo-require-preflight'] = '1';
          const response = await request(`${harness.url}/graphql`, {
            method: method as 'POST',
            headers,
            body: method === 'GET' ? undefined : payload,
          });
          const reply = { status: response.statusCode, text: await response.body.text() };
          expectProper(reply);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('answers random GET query strings properly', async () => {
    await fc.assert(
      fc.asyncProperty(document, fc.string({ maxLength: 100 }), async (query, variables) => {
        const search = new URLSearchParams({ query, variables });
        const response = await request(`${harness.url}/graphql?${search}`, {
          headers: { 'apollo-require-preflight': '1' },
        });
        expectProper({ status: response.statusCode, text: await response.body.text() });
      }),
      { numRuns: 300 },
    );
  });

  it('is still healthy afterwards', async () => {
    const live = await request(`${harness.url}/health/live`);
    expect(live.statusCode).toBe(200);
    await live.body.dump();
    const reply = await harness.execute(
      `{ account(id: "${FIXTURES.accountExactAmounts}") { id } }`,
    );
    expect(reply.data.account.id).toBe(FIXTURES.accountExactAmounts);
  });
});

describe('fuzzing caller headers', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ auth: true });
  });
  afterAll(() => harness.close());

  it('answers random Authorization headers with 401 and no upstream call', async () => {
    const part = fc.base64String({ maxLength: 80 }).map((s) => s.replace(/=/g, ''));
    const authorization = fc.oneof(
      fc.tuple(part, part, part).map(([a, b, c]) => `Bearer ${a}.${b}.${c}`),
      fc.string({ maxLength: 200 }).map((s) => `Bearer ${s}`),
      fc.stringMatching(/^[\x20-\x7e]{0,300}$/),
    );
    await fc.assert(
      fc.asyncProperty(authorization, async (value) => {
        harness.simulator.log.clear();
        const reply = await post(
          harness.url,
          JSON.stringify({ query: `{ account(id: "${FIXTURES.accountExactAmounts}") { id } }` }),
          { 'content-type': 'application/json', authorization: value.trim() || 'x' },
        );
        expect(reply.status).toBe(401);
        expectProper(reply);
        expect(harness.simulator.log.count()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
