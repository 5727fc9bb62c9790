import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

const digits = fc.stringMatching(/^[1-9][0-9]{0,31}$/);
const amount = fc
  .tuple(
    fc.boolean(),
    fc.stringMatching(/^(0|[1-9][0-9]{0,20})$/),
    fc.option(fc.stringMatching(/^[0-9]{1,10}$/), { nil: undefined }),
  )
  .map(
    ([negative, whole, fraction]) =>
      `${negative ? '-' : ''}${whole}${fraction === undefined ? '' : `.${fraction}`}`,
  );

describe('exactness through the whole gateway', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('returns random ids and amounts, sent as JSON number literals, byte-exact', async () => {
    await fc.assert(
      fc.asyncProperty(
        digits,
        digits,
        digits,
        amount,
        amount,
        amount,
        async (id, customerId, parentId, available, balance, creditLimit) => {
          harness.simulator.faults.clear();
          // The issuer's style: every id and amount a bare number literal.
          harness.simulator.faults.add({
            route: 'accountV4',
            id,
            body: `{"id":${id},"customerId":${customerId},"parentId":${parentId},"currency":"EUR","available":${available},"balance":${balance},"creditLimit":${creditLimit}}`,
          });
          const { data, errors } = await harness.execute(
            `{ account(id: "${id}") { id customerId parentId available { amount } balance { amount } creditLimit { amount } } }`,
          );
          expect(errors).toBeUndefined();
          expect(data.account).toEqual({
            id,
            customerId,
            parentId,
            available: { amount: available },
            balance: { amount: balance },
            creditLimit: { amount: creditLimit },
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  // Raw text: a JS number literal would already have lost the digit in this test.
  it.each(['9007199254740993', '1.5'])(
    'refuses an id variable sent as the JSON number %s, before any upstream call',
    async (id) => {
      harness.simulator.log.clear();
      const response = await request(`${harness.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"query":"query ($id: ID!) { account(id: $id) { id } }","variables":{"id":${id}}}`,
      });
      const body: any = await response.body.json();
      expect(response.statusCode).toBe(400);
      expect(body.errors).toEqual([
        expect.objectContaining({
          message: expect.stringContaining('not a whole number below 2^53'),
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
        }),
      ]);
      expect(harness.simulator.log.entries()).toHaveLength(0);
    },
  );

  it("fails only the amount the issuer sent unreadable, keeping the customer's other accounts", async () => {
    harness.simulator.faults.clear();
    harness.simulator.faults.add({
      route: 'accountsOfCustomerV4',
      id: '77',
      times: 1,
      body: '[{"id":1,"customerId":77,"balance":"1 000,00","available":5.10,"currency":"EUR"},{"id":2,"customerId":77,"balance":12.50,"currency":"EUR"}]',
    });
    const reply = await harness.execute(`{
      customer(id: "77") { accounts { nodes { id balance { amount } available { amount } } } }
    }`);
    expect(reply.data.customer.accounts.nodes).toEqual([
      { id: '1', balance: null, available: { amount: '5.10' } },
      { id: '2', balance: { amount: '12.50' }, available: null },
    ]);
    expect(reply.errors).toEqual([
      expect.objectContaining({
        path: ['customer', 'accounts', 'nodes', 0, 'balance'],
        extensions: expect.objectContaining({ code: 'UPSTREAM_ERROR' }),
      }),
    ]);
  });

  it('refuses ids nested deeper than their list type with BAD_USER_INPUT, not a crash', async () => {
    harness.simulator.log.clear();
    const nested = '['.repeat(5000) + '1' + ']'.repeat(5000);
    const response = await request(`${harness.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"query":"query ($ids: [ID!]!) { accounts(ids: $ids) { id } }","variables":{"ids":${nested}}}`,
    });
    const body: any = await response.body.json();
    expect(response.statusCode).toBe(400);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(harness.simulator.log.entries()).toHaveLength(0);
  });

  it('refuses accounts(ids:) holding an unusable id sent as a JSON integer, before any call', async () => {
    harness.simulator.log.clear();
    const reply = await harness.execute(
      'query ($ids: [ID!]!) { account(id: "1000000101") { id } accounts(ids: $ids) { id } }',
      { ids: [1000000101, -5] },
    );
    expect(reply.status).toBe(400);
    expect(reply.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('"-5"'),
        locations: [{ line: 1, column: 57 }],
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      }),
    ]);
    expect(harness.simulator.log.entries()).toHaveLength(0);
  });

  it('takes an id variable sent as a safe JSON integer', async () => {
    const reply = await harness.execute('query ($id: ID!) { account(id: $id) { id } }', {
      id: 1000000101,
    });
    expect(reply.data.account.id).toBe('1000000101');
  });
});
