/**
 * RELIABILITY.md §7.1 row U14 and §2.4: a failing upstream call fails only
 * the fields that needed it, and the null lands exactly where the README's
 * "Resilience" section says it does.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FIXTURES } from '../../src/simulator/seed.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const PAGE_WITH_DETAILS = /* GraphQL */ `
  query ($customer: ID!, $account: ID!) {
    customer(id: $customer) {
      id
      accounts(first: 30) {
        nodes {
          id
          number
          statusReason
        }
        pageInfo {
          hasNextPage
        }
      }
    }
    account(id: $account) {
      id
    }
  }
`;

describe('U14: partial results', () => {
  let harness: Harness;
  let ids: string[];
  const requestLines: { msg: string; requestId?: string; upstreamCalls?: number }[] = [];

  beforeAll(async () => {
    harness = await startHarness({
      env: { ENFUCE_BREAKER_THRESHOLD: '10000' },
      logDestination: {
        write: (line: string) => {
          const entry = JSON.parse(line) as (typeof requestLines)[number];
          if (entry.msg === 'graphql request') requestLines.push(entry);
        },
      },
    });
    ids = harness.simulator.data.accountsOf(FIXTURES.customerWith30).map((account) => account.id);
  });
  afterAll(() => harness.close());
  afterEach(() => harness.simulator.reset());
  const sim = () => harness.simulator;

  it('one of 30 per-account reads failing nulls only that account’s detail field', async () => {
    const failing = ids[17]!;
    sim().faults.add({ route: 'accountV4', id: failing, status: 500 });
    const reply = await harness.execute(PAGE_WITH_DETAILS, {
      customer: FIXTURES.customerWith30,
      account: FIXTURES.accountExactAmounts,
    });

    expect(reply.status).toBe(200);
    const { nodes } = reply.data.customer.accounts;
    expect(nodes.map((node: { id: string }) => node.id)).toEqual(ids);
    expect(nodes[17]).toEqual({ id: failing, number: expect.any(String), statusReason: null });
    expect(reply.data.account).toEqual({ id: FIXTURES.accountExactAmounts });
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors![0]).toMatchObject({
      path: ['customer', 'accounts', 'nodes', 17, 'statusReason'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    // One page call, then one detail call per account (the failing one is not retried).
    expect(sim().log.count('accountsOfCustomerV4')).toBe(1);
    expect(
      sim()
        .log.accountReads()
        .filter((id) => id === failing),
    ).toHaveLength(1);
  });

  it('a failing page nulls `customer` (accounts is non-null); sibling root fields are answered', async () => {
    sim().faults.add({ route: 'accountsOfCustomerV4', status: 500 });
    const reply = await harness.execute(PAGE_WITH_DETAILS, {
      customer: FIXTURES.customerWith30,
      account: FIXTURES.accountExactAmounts,
    });
    expect(reply.status).toBe(200);
    expect(reply.data).toEqual({ customer: null, account: { id: FIXTURES.accountExactAmounts } });
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors![0]).toMatchObject({
      path: ['customer', 'accounts'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
  });

  it('a failing page under an alias nulls only that alias', async () => {
    sim().faults.add({ route: 'accountsOfCustomerV4', id: FIXTURES.customerWith30, status: 500 });
    const reply = await harness.execute(/* GraphQL */ `
      {
        bad: customer(id: "${FIXTURES.customerWith30}") { accounts(first: 1) { nodes { id } } }
        good: customer(id: "${FIXTURES.privateCustomer}") { accounts(first: 1) { nodes { id } } }
      }
    `);
    expect(reply.data.bad).toBeNull();
    expect(reply.data.good.accounts.nodes).toHaveLength(1);
    expect(reply.errors!.map((error) => error.path)).toEqual([['bad', 'accounts']]);
  });

  it('accounts(ids) nulls only the slot whose read failed', async () => {
    sim().faults.add({ route: 'accountV4', id: ids[1]!, status: 503 });
    const reply = await harness.execute(
      /* GraphQL */ `
        query ($ids: [ID!]!) {
          accounts(ids: $ids) {
            id
          }
        }
      `,
      { ids: ids.slice(0, 3) },
    );
    expect(reply.data.accounts).toEqual([{ id: ids[0] }, null, { id: ids[2] }]);
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors![0]).toMatchObject({
      path: ['accounts', 1],
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    // 503 is retried twice before giving up.
    expect(
      sim()
        .log.accountReads()
        .filter((id) => id === ids[1]),
    ).toHaveLength(3);
  });

  it("a failing page behind an account's customer { accounts } nulls that whole account", async () => {
    sim().faults.add({ route: 'accountsOfCustomerV4', id: FIXTURES.customerWith30, status: 500 });
    const reply = await harness.execute(
      /* GraphQL */ `
        query ($ids: [ID!]!) {
          accounts(ids: $ids) {
            id
            customer {
              accounts(first: 1) {
                nodes {
                  id
                }
              }
            }
          }
        }
      `,
      { ids: [ids[0]!, FIXTURES.accountExactAmounts] },
    );
    expect(reply.data.accounts[0]).toBeNull();
    expect(reply.data.accounts[1]).toMatchObject({ id: FIXTURES.accountExactAmounts });
    expect(reply.errors!.map((error) => error.path)).toEqual([
      ['accounts', 0, 'customer', 'accounts'],
    ]);
  });

  it('a parent that cannot be read nulls only `parent`', async () => {
    const child = FIXTURES.accountWithParentOtherCustomer;
    sim().faults.add({ route: 'accountV4', id: FIXTURES.accountTopLevel, status: 500 });
    const reply = await harness.execute(/* GraphQL */ `
      { account(id: "${child}") { id parentId parent { id number } } }
    `);
    expect(reply.data.account).toEqual({
      id: child,
      parentId: FIXTURES.accountTopLevel,
      parent: null,
    });
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors![0]).toMatchObject({
      path: ['account', 'parent'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
  });

  it('starts no call once an error nulled the parent and the answer was made', async () => {
    const child = FIXTURES.accountWithParentOtherCustomer;
    // The child's page fails (500, not retried) while its parent is still on its way.
    sim().faults.add({ route: 'accountsOfCustomerV4', id: FIXTURES.customerWith75, status: 500 });
    sim().faults.add({ route: 'accountV4', id: FIXTURES.accountTopLevel, latencyMs: 400 });
    const reply = await harness.execute(/* GraphQL */ `{
      account(id: "${child}") {
        id
        parent { number customer { accounts(first: 5) { nodes { id } } } }
        customer { accounts(first: 2) { nodes { id } } }
      }
    }`);
    // `customer` and `accounts` are non-null: the page's failure nulls the account.
    expect(reply.data).toEqual({ account: null });
    expect(reply.errors?.map((error) => error.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    // Past the parent's latency: its call, under way, finishes. graphql-js
    // answered before it did, and the parent's customer page it would lead
    // to is not asked for after the answer: every call the issuer saw is in
    // the answer's count. (graphql-jit answers once the parent's branch is
    // done, its page read included.)
    await vi.waitFor(
      () =>
        expect(
          sim()
            .log.entries('accountV4')
            .find((entry) => entry.id === FIXTURES.accountTopLevel)?.status,
        ).toBe(200),
      { timeout: 3000, interval: 20 },
    );
    // A call it led to would start at once; a slow machine gets 300 ms.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sim().log.count()).toBe(reply.extensions?.upstream?.calls);
    // The request's log line reads the same closed count.
    const line = requestLines.find((entry) => entry.requestId === reply.headers['x-request-id']);
    expect(line?.upstreamCalls).toBe(sim().log.count());
  });
});
