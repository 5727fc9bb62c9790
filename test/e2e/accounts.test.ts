import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountV4 } from '../../src/simulator/render.js';
import { FIXTURES } from '../../src/simulator/seed.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { simulatorGet } from '../helpers/simulatorClient.js';

const MONEY =
  'available { amount currency } balance { amount currency } creditLimit { amount currency }';

describe('Query.account and Query.accounts', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.simulator.log.clear());

  it('returns amounts with exactly the digits the issuer sent', async () => {
    const { data, errors, text } = await harness.execute(
      `query ($id: ID!) { account(id: $id) { id ${MONEY} } }`,
      { id: FIXTURES.accountExactAmounts },
    );
    expect(errors).toBeUndefined();
    expect(data.account).toEqual({
      id: FIXTURES.accountExactAmounts,
      available: { amount: '0.10', currency: 'EUR' },
      balance: { amount: '1234.50', currency: 'EUR' },
      creditLimit: { amount: '100000000000000000.01', currency: 'EUR' },
    });
    expect(text).toContain('"amount":"100000000000000000.01"');

    const negative = await harness.execute(
      `{ account(id: "${FIXTURES.accountNegativeBalance}") { balance { amount } } }`,
    );
    expect(negative.data.account.balance.amount).toBe('-12.30');
  });

  it("reads an account by id from the issuer's v4 record, name included", async () => {
    const ids = [FIXTURES.accountExactAmounts, FIXTURES.accountNegativeBalance];
    const { data, errors } = await harness.execute(
      `query ($id: ID!, $ids: [ID!]!) {
        account(id: $id) { id name template }
        accounts(ids: $ids) { id name }
      }`,
      { id: ids[0], ids },
    );
    expect(errors).toBeUndefined();
    const named = (id: string) => harness.simulator.data.account(id)!.name;
    expect(named(ids[0]!)).toEqual(expect.any(String));
    expect(data.account).toEqual({
      id: ids[0],
      name: named(ids[0]!),
      template: harness.simulator.data.account(ids[0]!)!.template,
    });
    expect(data.accounts).toEqual(ids.map((id) => ({ id, name: named(id) })));
    // One read per distinct id, both of v4's record.
    expect(harness.simulator.log.entries().map((entry) => entry.path)).toEqual(
      expect.arrayContaining(ids.map((id) => `/account/v4/${id}`)),
    );
    expect(harness.simulator.log.count()).toBe(2);
  });

  it('fails an amount that comes without its currency with UPSTREAM_ERROR, not a silent null', async () => {
    const id = FIXTURES.accountExactAmounts;
    const real = await simulatorGet(harness.simulator, `/account/v4/${id}`);
    // Edited as text: a JSON round trip would change the amounts' digits.
    const withoutCurrency = real.text.replace(/"currency":"EUR",?/, '');
    expect(withoutCurrency).not.toBe(real.text);
    harness.simulator.faults.add({ route: 'accountV4', id, body: withoutCurrency });
    try {
      const { data, errors } = await harness.execute(
        `query ($id: ID!) { account(id: $id) { id currency balance { amount } } }`,
        { id },
      );
      expect(data.account).toEqual({ id, currency: null, balance: null });
      expect(errors).toEqual([
        expect.objectContaining({
          path: ['account', 'balance'],
          extensions: expect.objectContaining({ code: 'UPSTREAM_ERROR' }),
        }),
      ]);
    } finally {
      harness.simulator.faults.clear();
    }
  });

  it('keeps ids beyond 2^53 and 2^64 exact', async () => {
    const { data, errors } = await harness.execute(`{
      a: account(id: "${FIXTURES.accountBigId}") { id customerId parentId parent { id } }
      b: account(id: "${FIXTURES.accountBeyond64Bits}") { id }
    }`);
    expect(errors).toBeUndefined();
    expect(data.a).toEqual({
      id: FIXTURES.accountBigId,
      customerId: FIXTURES.customerBigId,
      parentId: FIXTURES.accountBigIdParent,
      parent: { id: FIXTURES.accountBigIdParent },
    });
    expect(data.b.id).toBe(FIXTURES.accountBeyond64Bits);
  });

  it('answers accounts(ids) in order with nulls for unknown ids, one read per distinct id', async () => {
    const ids = [
      FIXTURES.accountTopLevel,
      FIXTURES.unknownAccountId,
      FIXTURES.accountExactAmounts,
      FIXTURES.accountTopLevel,
    ];
    const { data, errors } = await harness.execute(
      'query ($ids: [ID!]!) { accounts(ids: $ids) { id } }',
      {
        ids,
      },
    );
    expect(errors).toBeUndefined();
    expect(data.accounts).toEqual([
      { id: FIXTURES.accountTopLevel },
      null,
      { id: FIXTURES.accountExactAmounts },
      { id: FIXTURES.accountTopLevel },
    ]);
    expect(harness.simulator.log.accountReads()).toEqual(
      [FIXTURES.accountTopLevel, FIXTURES.unknownAccountId, FIXTURES.accountExactAmounts].sort(),
    );
  });

  it.each([
    [
      'a bad id in a variable',
      'query ($ids: [ID!]!) { accounts(ids: $ids) { id } }',
      ['12x'],
      /`ids\[0\]` must be 1 to 32 decimal digits \(got "12x"\)/,
    ],
    [
      '101 ids',
      'query ($ids: [ID!]!) { accounts(ids: $ids) { id } }',
      Array.from({ length: 101 }, (_, i) => String(1000000101 + i)),
      /takes at most 100 ids \(got 101\)/,
    ],
    [
      'a bad id among literals',
      'query ($ids: ID!) { accounts(ids: ["1000000101", $ids]) { id } }',
      '../admin',
      /`ids\[1\]` must be/,
    ],
    [
      'a null list from a variable with a default',
      'query ($ids: [ID!] = ["1000000101"]) { accounts(ids: $ids) { id } }',
      null,
      /^`ids` must not be null, and `\$ids` was sent as null\.$/,
    ],
    [
      'a null item from a variable with a default',
      'query ($ids: ID = "1000000101") { accounts(ids: ["1000000101", $ids]) { id } }',
      null,
      /^`ids\[1\]` must not be null/,
    ],
    [
      'a bad id in a fragment',
      'query ($ids: [ID!]!) { ...Q } fragment Q on Query { accounts(ids: $ids) { id } }',
      ['-1'],
      /`ids\[0\]` must be/,
    ],
  ])(
    'refuses accounts(ids) with %s before anything runs: HTTP 400, no upstream call',
    async (_name, operation, ids, message) => {
      // Beside a field that would otherwise have made its call first.
      const query = operation.replace(
        '{ ',
        `{ first: account(id: "${FIXTURES.accountTopLevel}") { id } `,
      );
      const reply = await harness.execute(query, { ids });
      expect(reply.status).toBe(400);
      expect(reply.data).toBeUndefined();
      expect(reply.errors).toHaveLength(1);
      expect(reply.errors![0]).toMatchObject({
        extensions: { code: 'BAD_USER_INPUT' },
        locations: [{ line: 1, column: expect.any(Number) }],
      });
      expect(reply.errors![0]!.message).toMatch(message);
      expect(harness.simulator.log.count()).toBe(0);
    },
  );

  it.each([
    [
      'at the root',
      'query ($s: Boolean = false) { first: account(id: "ID") { id } b: account(id: "ID") @skip(if: $s) { id } }',
      '`@skip(if:)` must not be null, and `$s` was sent as null.',
    ],
    [
      'in a fragment, below a field',
      'query ($s: Boolean = true) { first: account(id: "ID") { id ...P } } fragment P on Account { parent @include(if: $s) { id } }',
      '`@include(if:)` must not be null, and `$s` was sent as null.',
    ],
  ])(
    'refuses a null @skip or @include condition %s before anything runs: HTTP 400, no upstream call',
    async (_name, query, message) => {
      const reply = await harness.execute(query.replaceAll('ID', FIXTURES.accountTopLevel), {
        s: null,
      });
      expect(reply.status).toBe(400);
      expect(reply.data).toBeUndefined();
      expect(reply.errors).toMatchObject([{ message, extensions: { code: 'BAD_USER_INPUT' } }]);
      expect(harness.simulator.log.count()).toBe(0);

      // Left out, the default decides, as graphql-js has it.
      const answered = await harness.execute(query.replaceAll('ID', FIXTURES.accountTopLevel));
      expect(answered.status).toBe(200);
      expect(answered.errors).toBeUndefined();
    },
  );

  it('leaves accounts(ids) that @skip or @include leaves out to run as nothing', async () => {
    const { status, data, errors } = await harness.execute(
      `query ($ids: [ID!]!, $no: Boolean!) {
        a: accounts(ids: $ids) @skip(if: true) { id }
        b: accounts(ids: $ids) @include(if: $no) { id }
        account(id: "${FIXTURES.accountTopLevel}") { id }
      }`,
      { ids: ['12x'], no: false },
    );
    expect(status).toBe(200);
    expect(errors).toBeUndefined();
    expect(data).toEqual({ account: { id: FIXTURES.accountTopLevel } });
  });

  it('answers null without an error for an account the issuer does not have', async () => {
    const { data, errors } = await harness.execute(
      `{ account(id: "${FIXTURES.unknownAccountId}") { id } }`,
    );
    expect(errors).toBeUndefined();
    expect(data.account).toBeNull();
  });

  it('treats every spelling of "no parent" as a top-level account, with no call for parent', async () => {
    const { data } = await harness.execute(`{
      a: account(id: "${FIXTURES.accountTopLevel}") { parentId parent { id number } }
      b: account(id: "${FIXTURES.accountTopLevelEmptyParent}") { parentId parent { id number } }
      c: account(id: "${FIXTURES.accountTopLevelNullParent}") { parentId parent { id number } }
    }`);
    expect([data.a, data.b, data.c]).toEqual(Array(3).fill({ parentId: null, parent: null }));
    expect(harness.simulator.log.entries()).toHaveLength(3);
  });

  it('follows a parent chain, one read per distinct account', async () => {
    const { data, errors } = await harness.execute(`{
      account(id: "${FIXTURES.accountWithGrandparent}") {
        id parent { id parent { id parentId parent { id } } }
      }
    }`);
    expect(errors).toBeUndefined();
    expect(data.account.parent.parent.parentId).toBeNull();
    expect(data.account.parent.parent.parent).toBeNull();
    expect(harness.simulator.log.entries()).toHaveLength(3);
  });

  it('links the owner without a call unless customer details are selected', async () => {
    const { data } = await harness.execute(
      `{ account(id: "${FIXTURES.accountTopLevel}") { customer { id } } }`,
    );
    expect(data.account.customer.id).toBe(FIXTURES.corporateCustomer);
    expect(harness.simulator.log.entries()).toHaveLength(1);
  });

  it('checks payment reference digits and survives a type the issuer adds later', async () => {
    const { data, errors } = await harness.execute(`{
      mod10: account(id: "${FIXTURES.accountMod10Reference}") { paymentReference { type rawType number valid formatted } }
      fi: account(id: "${FIXTURES.accountFinnishReference}") { paymentReference { type number valid } }
      rf: account(id: "${FIXTURES.accountUnknownPaymentReferenceType}") { id paymentReference { type rawType number valid formatted } }
    }`);
    expect(errors).toBeUndefined();
    expect(data.mod10.paymentReference).toEqual({
      type: 'MOD10',
      rawType: 'MOD10',
      number: '1234567897',
      valid: true,
      formatted: '12345 67897',
    });
    expect(data.fi.paymentReference).toEqual({
      type: 'FINNISH_7_3_1',
      number: '1234561',
      valid: true,
    });
    expect(data.rf).toEqual({
      id: FIXTURES.accountUnknownPaymentReferenceType,
      paymentReference: {
        type: 'UNKNOWN',
        rawType: 'RF',
        number: 'RF18539007547034',
        valid: true,
        formatted: 'RF18 5390 0754 7034',
      },
    });
  });

  it("answers usage limits with what is left of them, from the issuer's v4 record", async () => {
    const limited = harness.simulator.data
      .accountsOf(FIXTURES.customerWith250)
      .find((account) => account.usageLimits.length > 0)!;
    const { data, errors } = await harness.execute(
      `query ($id: ID!) { account(id: $id) {
        usageLimits { code values { code sumAmount count availableAmount availableCount } }
      } }`,
      { id: limited.id },
    );
    expect(errors).toBeUndefined();
    // The simulator's accounts have spent nothing: all of each limit is left.
    expect(data.account.usageLimits).toEqual(
      limited.usageLimits.map((limit) => ({
        code: limit.code,
        values: limit.values.map((value) => ({
          code: value.code,
          sumAmount: value.sumAmount,
          count: value.count,
          availableAmount: value.sumAmount,
          availableCount: value.count,
        })),
      })),
    );
  });

  it('reads the full record for detail fields only when they are selected', async () => {
    const query = `{
      customer(id: "${FIXTURES.customerWith30}") {
        accounts(first: 2) { nodes { id segment minimumToPay { amount } usageLimits { code values { code } } address { city } } }
      }
    }`;
    const { data, errors } = await harness.execute(query);
    expect(errors).toBeUndefined();
    const nodes = data.customer.accounts.nodes;
    expect(harness.simulator.log.accountReads()).toEqual(nodes.map((n: any) => n.id).sort());
    for (const node of nodes) {
      const record = harness.simulator.data.account(node.id)!;
      expect(node.segment).toBe(record.segment ?? null);
    }

    harness.simulator.log.clear();
    await harness.execute(
      `{ account(id: "${FIXTURES.accountExactAmounts}") { segment minimumToPay { amount percentage } } }`,
    );
    expect(harness.simulator.log.entries()).toHaveLength(1);
  });

  it('fails the detail fields of a listed account whose record names another customer', async () => {
    const query = `{
      customer(id: "${FIXTURES.customerWith30}") {
        accounts(first: 2) { nodes { id name segment address { city } } }
      }
    }`;
    const listed = (await harness.execute(query)).data.customer.accounts.nodes;
    const moved = listed[0].id as string;
    // The issuer's record of the first account now names another owner.
    const record = accountV4(harness.simulator.data.account(moved)!);
    expect(record).toContain(`"customerId":${FIXTURES.customerWith30}`);
    harness.simulator.faults.add({
      route: 'accountV4',
      id: moved,
      body: record.replace(
        `"customerId":${FIXTURES.customerWith30}`,
        `"customerId":${FIXTURES.privateCustomer}`,
      ),
    });
    try {
      const { data, errors } = await harness.execute(query);
      const [first, second] = data.customer.accounts.nodes;
      expect(first).toEqual({ id: moved, name: listed[0].name, segment: null, address: null });
      expect(second).toEqual(listed[1]);
      expect(errors!.map((e) => [e.path!.join('.'), e.extensions!.code])).toEqual([
        ['customer.accounts.nodes.0.segment', 'UPSTREAM_ERROR'],
        ['customer.accounts.nodes.0.address', 'UPSTREAM_ERROR'],
      ]);
      expect(JSON.stringify(errors)).not.toContain(FIXTURES.privateCustomer);
    } finally {
      harness.simulator.faults.clear();
    }
  });

  it('sends the audit user upstream on every call', async () => {
    await harness.execute(
      `{ account(id: "${FIXTURES.accountWithGrandparent}") { parent { number } } }`,
      undefined,
      {
        'x-audit-user': 'support-agent-7',
      },
    );
    const entries = harness.simulator.log.entries();
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry.query.auditUser).toBe('support-agent-7');
  });
});
