import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { FIXTURES } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const PAGE = `query Page($id: ID!) { customer(id: $id) { accounts(first: 30) {
  edges { cursor node { id number status balance { amount currency } parent { id number } } }
  pageInfo { hasNextPage endCursor } } } }`;

// `GRAPHQL_JIT=true npm test` runs the whole suite on compiled execution;
// this file keeps both executors side by side in every run.
describe('GRAPHQL_JIT', () => {
  let interpreted: Harness;
  let compiled: Harness;
  beforeAll(async () => {
    // One cursor key, so that the two answers' cursors can be compared byte for byte.
    const CURSOR_SECRET = 'jit-test-cursor-secret-0123';
    [interpreted, compiled] = await Promise.all([
      startHarness({ env: { GRAPHQL_JIT: 'false', CURSOR_SECRET } }),
      startHarness({ env: { GRAPHQL_JIT: 'true', CURSOR_SECRET } }),
    ]);
  });
  afterAll(() => Promise.all([interpreted.close(), compiled.close()]));

  it('is off unless set, and refuses anything but true or false', () => {
    expect(loadConfig({}).graphqlJit).toBe(false);
    expect(loadConfig({ GRAPHQL_JIT: 'true' }).graphqlJit).toBe(true);
    expect(() => loadConfig({ GRAPHQL_JIT: 'yes' })).toThrow(ConfigError);
  });

  it('answers byte for byte what graphql-js answers, with the same upstream calls', async () => {
    const variables = { id: FIXTURES.customerWith75 };
    interpreted.simulator.log.clear();
    compiled.simulator.log.clear();
    const [a, b] = [
      await interpreted.execute(PAGE, variables),
      await compiled.execute(PAGE, variables),
    ];
    expect(b.errors).toBeUndefined();
    expect(b.text).toBe(a.text);
    expect(compiled.simulator.log.count()).toBe(interpreted.simulator.log.count());
    // Twice: the second answer comes from the cached compiled query.
    expect((await compiled.execute(PAGE, variables)).text).toBe(a.text);
  });

  it('keeps error codes and paths for fields that fail', async () => {
    const query = `{ accounts(ids: ["${FIXTURES.accountExactAmounts}", "${FIXTURES.unknownAccountId}"]) { id balance { amount } } bad: account(id: "12x") { id } }`;
    const [a, b] = [await interpreted.execute(query), await compiled.execute(query)];
    expect(b.status).toBe(a.status);
    expect(b.data).toEqual(a.data);
    expect(b.errors?.map((e) => [e.path, e.extensions?.code])).toEqual(
      a.errors?.map((e) => [e.path, e.extensions?.code]),
    );
    // And they are there to keep: the unknown account is null without one.
    expect(a.status).toBe(200);
    expect(a.data).toEqual({
      accounts: [{ id: FIXTURES.accountExactAmounts, balance: { amount: '1234.50' } }, null],
      bad: null,
    });
    expect(a.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['bad'], 'BAD_USER_INPUT'],
    ]);
  });

  /** The same request to both gateways: status and body as sent, less stack traces (dev mode). */
  const both = async (body: Record<string, unknown>) => {
    const post = async (harness: Harness) => {
      const response = await request(`${harness.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = JSON.stringify(JSON.parse(await response.body.text()), (key, value: unknown) =>
        key === 'stacktrace' ? undefined : value,
      );
      return { status: response.statusCode, text };
    };
    interpreted.simulator.log.clear();
    compiled.simulator.log.clear();
    return [await post(interpreted), await post(compiled)] as const;
  };

  it.each([
    ['a missing variable', { query: 'query Q($id: ID!) { account(id: $id) { id } }' }],
    [
      'a variable of the wrong type',
      {
        query: 'query Q($f: Int) { customer(id: "1") { accounts(first: $f) { nodes { id } } } }',
        variables: { f: 'x' },
      },
    ],
    [
      'a default on a non-null variable',
      {
        query: `query Q($id: ID! = "${FIXTURES.accountExactAmounts}") { account(id: $id) { id } }`,
      },
    ],
    [
      'an operation name the document does not hold',
      {
        query: `query A { account(id: "${FIXTURES.accountExactAmounts}") { id } }`,
        operationName: 'B',
      },
    ],
    [
      'a null for a non-null argument through a variable with a default',
      {
        query: `query Q($id: ID = "${FIXTURES.accountExactAmounts}") { account(id: $id) { id } }`,
        variables: { id: null },
      },
    ],
    [
      'the same, used in a fragment written before the operation',
      {
        query: `fragment F on Query { account(id: $id) { id } } query Q($id: ID = "${FIXTURES.accountExactAmounts}") { ...F }`,
        variables: { id: null },
      },
    ],
    [
      'fields skipped by a variable',
      {
        query: `query Q($s: Boolean!) { account(id: "${FIXTURES.accountExactAmounts}") { number @skip(if: $s) id number status } }`,
        variables: { s: true },
      },
    ],
    [
      'a field aliased __proto__',
      {
        query: `{ constructor: __typename __proto__: __typename customer(id: "${FIXTURES.customerWith75}") { accounts(first: 2) { __proto__: nodes { id } pageInfo { hasNextPage } } } }`,
      },
    ],
    [
      "aliases that join into another field's path (x.parent and parent_x)",
      {
        query: `{ x: account(id: "${FIXTURES.accountWithParentOtherCustomer}") { parent { id number } } parent_x: account(id: "${FIXTURES.accountTopLevel}") { id } }`,
      },
    ],
    [
      'the same the other way round',
      {
        query: `{ x: account(id: "${FIXTURES.accountWithParentOtherCustomer}") { parent { id } } parent_x: account(id: "${FIXTURES.accountTopLevel}") { number } }`,
      },
    ],
    [
      'a representation literal with a __proto__ field',
      {
        query: `{ _entities(representations: [{ __typename: "Account", __proto__: { id: "${FIXTURES.accountTopLevel}" } }]) { ... on Account { id } } }`,
      },
    ],
    [
      'a variable inside a representation literal',
      {
        query:
          'query Q($id: ID!) { _entities(representations: [{ __typename: "Account", id: $id }]) { ... on Account { id } } }',
        variables: { id: FIXTURES.accountTopLevel },
      },
    ],
    [
      'more variable errors than graphql-js reports',
      {
        query: 'query Q($ids: [ID!]!) { accounts(ids: $ids) { id } }',
        variables: { ids: Array.from({ length: 60 }, () => true) },
      },
    ],
  ])('answers %s as graphql-js does, byte for byte', async (_name, body) => {
    const [a, b] = await both(body);
    expect(b).toEqual(a);
    expect(compiled.simulator.log.count()).toBe(interpreted.simulator.log.count());
  });

  // The markers themselves are in test/unit/graphqlJitPatch.test.ts; here,
  // through the gateway, the one that ran code.
  it("never runs a string in the query that spells graphql-jit's date marker", async () => {
    const text = '__MAGIC_DATE__33a9e76d_02e0_4128_8e92_3530ad3da74d(globalThis.jitRan = 1)';
    const [a, b] = await both({ query: `{ account(id: "${text}") { id } }` });
    expect(b).toEqual(a);
    expect(JSON.parse(a.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((globalThis as { jitRan?: unknown }).jitRan).toBeUndefined();
  });

  // graphql-jit 0.8.9 appended a null for a failed item instead of filling
  // its slot; patches/graphql-jit+0.8.9.patch fills the slot.
  const [failing, answered] = [FIXTURES.accountExactAmounts, FIXTURES.accountTopLevel];
  it.each([
    [
      'accounts(ids)',
      `{ list: accounts(ids: ["${failing}", "${failing}", "${answered}"]) { id } }`,
    ],
    [
      '_entities',
      `{ list: _entities(representations: [${[failing, failing, answered]
        .map((id) => `{ __typename: "Account", id: "${id}" }`)
        .join(', ')}]) { ... on Account { id } } }`,
    ],
  ])('keeps every slot of %s in place when a repeated id fails', async (_name, query) => {
    for (const harness of [interpreted, compiled]) {
      harness.simulator.faults.add({ route: 'accountV4', id: failing, status: 500 });
    }
    try {
      const [a, b] = await both({ query });
      const item = { id: answered };
      expect(JSON.parse(a.text).data.list).toEqual([null, null, item]);
      expect(b).toEqual(a);
    } finally {
      interpreted.simulator.reset();
      compiled.simulator.reset();
    }
  });
});
