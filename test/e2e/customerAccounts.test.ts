import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/simulator/seed.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { simulatorGet } from '../helpers/simulatorClient.js';

const PAGE = /* GraphQL */ `
  query Page($id: ID!, $first: Int, $after: String) {
    customer(id: $id) {
      accounts(first: $first, after: $after) {
        edges {
          cursor
          node {
            id
          }
        }
        pageInfo {
          hasNextPage
          hasPreviousPage
          startCursor
          endCursor
        }
      }
    }
  }
`;

describe('Customer.accounts', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.simulator.log.clear());

  const calls = () => harness.simulator.log.entries().length;

  it('makes no upstream call for customer { id }', async () => {
    const { data, errors } = await harness.execute('{ customer(id: "10000000005") { id } }');
    expect(errors).toBeUndefined();
    expect(data.customer.id).toBe('10000000005');
    expect(calls()).toBe(0);
  });

  it('pages a 75-account customer by 30 as 30, 30, 15 with no gap or repeat, one call a page', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    let hasNextPage = true;
    while (hasNextPage) {
      harness.simulator.log.clear();
      const { data, errors }: any = await harness.execute(PAGE, {
        id: FIXTURES.customerWith75,
        first: 30,
        after,
      });
      expect(errors).toBeUndefined();
      const { edges, pageInfo } = data.customer.accounts;
      sizes.push(edges.length);
      seen.push(...edges.map((edge: any) => edge.node.id));
      expect(pageInfo.hasPreviousPage).toBe(after !== null);
      expect(pageInfo.startCursor).toBe(edges[0]?.cursor ?? null);
      expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
      expect(calls()).toBe(1);
      ({ hasNextPage } = pageInfo);
      after = pageInfo.endCursor;
    }
    expect(sizes).toEqual([30, 30, 15]);
    const expected = harness.simulator.data.accountsOf(FIXTURES.customerWith75).map((a) => a.id);
    expect(seen).toEqual(expected);
  });

  it('says exactly whether a next page exists when the page is exactly full', async () => {
    const { data } = await harness.execute(PAGE, { id: FIXTURES.customerWith30, first: 30 });
    expect(data.customer.accounts.edges).toHaveLength(30);
    expect(data.customer.accounts.pageInfo.hasNextPage).toBe(false);

    const more = await harness.execute(PAGE, { id: FIXTURES.customerWith30, first: 29 });
    expect(more.data.customer.accounts.pageInfo.hasNextPage).toBe(true);
  });

  it('answers an empty connection for a customer without accounts', async () => {
    const { data } = await harness.execute(PAGE, { id: FIXTURES.customerNoAccounts });
    expect(data.customer.accounts).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it('pages at the maximum size of 100 with two calls a page, one when the first comes back short', async () => {
    const seen: string[] = [];
    const callsByPage: number[] = [];
    const readsByPage: { page: number; size: number }[][] = [];
    let after: string | null = null;
    for (;;) {
      harness.simulator.log.clear();
      const { data }: any = await harness.execute(PAGE, {
        id: FIXTURES.customerWith250,
        first: 100,
        after,
      });
      callsByPage.push(calls());
      readsByPage.push(harness.simulator.log.pageReads().map(({ page, size }) => ({ page, size })));
      const { edges, pageInfo } = data.customer.accounts;
      seen.push(...edges.map((edge: any) => edge.node.id));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    const expected = harness.simulator.data.accountsOf(FIXTURES.customerWith250).map((a) => a.id);
    expect(seen).toEqual(expected);
    // 100 and the next one's probe; again; then 50, short, so no probe.
    expect(callsByPage).toEqual([2, 2, 1]);
    // The probe reads the two accounts after the window, not another 100.
    expect(readsByPage).toEqual([
      [
        { page: 0, size: 100 },
        { page: 50, size: 2 },
      ],
      [
        { page: 1, size: 100 },
        { page: 100, size: 2 },
      ],
      [{ page: 2, size: 100 }],
    ]);
  });

  it('costs one call for the same customer under two aliases', async () => {
    const { data, errors } = await harness.execute(/* GraphQL */ `
      {
        a: customer(id: "${FIXTURES.customerWith75}") { accounts { nodes { id } } }
        b: customer(id: "${FIXTURES.customerWith75}") { accounts { nodes { id balance { amount } } } }
      }
    `);
    expect(errors).toBeUndefined();
    expect(data.a.accounts.nodes).toHaveLength(30);
    expect(data.b.accounts.nodes.map((n: any) => n.id)).toEqual(
      data.a.accounts.nodes.map((n: any) => n.id),
    );
    expect(calls()).toBe(1);
  });

  it('answers two aliases of one customer with different page sizes each with its own, from one call', async () => {
    const { data, errors } = await harness.execute(/* GraphQL */ `
      {
        a: customer(id: "${FIXTURES.customerWith75}") {
          accounts(first: 2) { nodes { id } pageInfo { hasNextPage } }
        }
        b: customer(id: "${FIXTURES.customerWith75}") {
          accounts(first: 5) { nodes { id } pageInfo { hasNextPage } }
        }
      }
    `);
    expect(errors).toBeUndefined();
    const ids = harness.simulator.data.accountsOf(FIXTURES.customerWith75).map((a) => a.id);
    expect(data.a.accounts.nodes.map((n: any) => n.id)).toEqual(ids.slice(0, 2));
    expect(data.b.accounts.nodes.map((n: any) => n.id)).toEqual(ids.slice(0, 5));
    expect(data.a.accounts.pageInfo.hasNextPage).toBe(true);
    expect(data.b.accounts.pageInfo.hasNextPage).toBe(true);
    // Pages 0 of size 3 and of size 6 are both in page 0 of size 6.
    expect(harness.simulator.log.pageReads()).toEqual([
      expect.objectContaining({ customerId: FIXTURES.customerWith75, page: 0, size: 6 }),
    ]);
  });

  it('reads no issuer page twice when a later wave asks for pages an earlier one read', async () => {
    const id = FIXTURES.customerWith75;
    const { data, errors } = await harness.execute(/* GraphQL */ `
      {
        a: customer(id: "${id}") { accounts(first: 1) { nodes { id } } }
        b: customer(id: "${id}") { accounts(first: 5) { nodes { id } } }
        later: account(id: "${FIXTURES.accountWithParentSamePage}") {
          customer { accounts(first: 5) { nodes { id } } again: accounts(first: 3) { nodes { id } } }
        }
      }
    `);
    expect(errors).toBeUndefined();
    const ids = harness.simulator.data.accountsOf(id).map((a) => a.id);
    expect(data.later.customer.accounts.nodes.map((n: any) => n.id)).toEqual(ids.slice(0, 5));
    expect(data.later.customer.again.nodes.map((n: any) => n.id)).toEqual(ids.slice(0, 3));
    // Wave 1: one page of 6 for both aliases (and the account); wave 2 reads nothing new.
    expect(harness.simulator.log.pageReads()).toEqual([
      expect.objectContaining({ customerId: id, page: 0, size: 6 }),
    ]);
  });

  it('reads a first page and the page after its end cursor, asked in one query, in one call', async () => {
    const first = await harness.execute(PAGE, { id: FIXTURES.customerWith75, first: 30 });
    harness.simulator.log.clear();
    const { data, errors } = await harness.execute(
      /* GraphQL */ `
        query ($id: ID!, $after: String) {
          a: customer(id: $id) {
            accounts(first: 30) {
              nodes {
                id
              }
              pageInfo {
                hasNextPage
              }
            }
          }
          b: customer(id: $id) {
            accounts(first: 30, after: $after) {
              nodes {
                id
              }
              pageInfo {
                hasNextPage
              }
            }
          }
        }
      `,
      { id: FIXTURES.customerWith75, after: first.data.customer.accounts.pageInfo.endCursor },
    );
    expect(errors).toBeUndefined();
    const ids = harness.simulator.data.accountsOf(FIXTURES.customerWith75).map((a) => a.id);
    expect(data.a.accounts.nodes.map((n: any) => n.id)).toEqual(ids.slice(0, 30));
    expect(data.b.accounts.nodes.map((n: any) => n.id)).toEqual(ids.slice(30, 60));
    expect(data.b.accounts.pageInfo.hasNextPage).toBe(true);
    expect(harness.simulator.log.pageReads()).toEqual([
      expect.objectContaining({ page: 0, size: 61 }),
    ]);
  });

  it('answers a customer the issuer does not know as one with no accounts and null details', async () => {
    const id = FIXTURES.unknownCustomerId;
    const { data, errors } = await harness.execute(`{
      customer(id: "${id}") { id displayName role accounts { nodes { id } pageInfo { hasNextPage } } }
    }`);
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      customer: {
        id,
        displayName: null,
        role: null,
        accounts: { nodes: [], pageInfo: { hasNextPage: false } },
      },
    });
  });

  it('answers an account list the issuer answers 404 as an empty one', async () => {
    const fault = { status: 404 };
    harness.simulator.faults.add({ route: 'accountsOfCustomerV4', ...fault });
    try {
      const { data, errors } = await harness.execute(PAGE, { id: FIXTURES.customerWith75 });
      expect(errors).toBeUndefined();
      expect(data.customer.accounts).toEqual({
        edges: [],
        pageInfo: {
          hasNextPage: false,
          hasPreviousPage: false,
          startCursor: null,
          endCursor: null,
        },
      });
      expect(harness.simulator.log.entries('accountsOfCustomerV4').map((e) => e.status)).toEqual([
        fault.status,
      ]);
    } finally {
      harness.simulator.faults.clear();
    }
  });

  it('reads the second page of 50 of a 75-account list in one call: the first read ends the list', async () => {
    const id = FIXTURES.customerWith75;
    const head = await harness.execute(PAGE, { id, first: 50 });
    harness.simulator.log.clear();
    const { data, errors } = await harness.execute(PAGE, {
      id,
      first: 50,
      after: head.data.customer.accounts.pageInfo.endCursor,
    });
    expect(errors).toBeUndefined();
    const ids = harness.simulator.data.accountsOf(id).map((a) => a.id);
    expect(data.customer.accounts.edges.map((e: any) => e.node.id)).toEqual(ids.slice(50));
    expect(data.customer.accounts.pageInfo.hasNextPage).toBe(false);
    // Accounts 50 to 99 come back as 25: no second page is needed.
    expect(harness.simulator.log.pageReads()).toEqual([
      expect.objectContaining({ customerId: id, page: 1, size: 50 }),
    ]);
  });

  it('answers a later, longer window from an earlier page that came back short', async () => {
    const id = FIXTURES.privateCustomer;
    const { data, errors } = await harness.execute(/* GraphQL */ `{
      customer(id: "${id}") {
        accounts(first: 5) {
          nodes { id customer { accounts(first: 10) { nodes { id } pageInfo { hasNextPage } } } }
        }
      }
    }`);
    expect(errors).toBeUndefined();
    const ids = harness.simulator.data.accountsOf(id).map((a) => a.id);
    expect(ids).toHaveLength(3);
    expect(data.customer.accounts.nodes.map((n: any) => n.id)).toEqual(ids);
    for (const node of data.customer.accounts.nodes) {
      expect(node.customer.accounts).toEqual({
        nodes: ids.map((accountId) => ({ id: accountId })),
        pageInfo: { hasNextPage: false },
      });
    }
    // Wave 1 read 3 of 6: the list ends there, so wave 2's page of 11 needs no call.
    expect(harness.simulator.log.pageReads()).toEqual([
      expect.objectContaining({ customerId: id, page: 0, size: 6 }),
    ]);
  });

  it('reads three pages asked in one query as two calls when one issuer page holds two of them', async () => {
    const id = FIXTURES.customerWith250;
    const head = await harness.execute(PAGE, { id, first: 100 });
    const tail = await harness.execute(PAGE, {
      id,
      first: 100,
      after: head.data.customer.accounts.pageInfo.endCursor,
    });
    harness.simulator.log.clear();
    const window = (alias: string, after: string) => /* GraphQL */ `
      ${alias}: customer(id: $id) {
        accounts(first: 10, after: ${after}) { nodes { id } }
      }`;
    const { data, errors } = await harness.execute(
      `query ($id: ID!, $tenth: String, $twohundredth: String) {
        ${window('a', 'null')} ${window('b', '$tenth')} ${window('c', '$twohundredth')}
      }`,
      {
        id,
        tenth: head.data.customer.accounts.edges[9].cursor,
        twohundredth: tail.data.customer.accounts.edges[99].cursor,
      },
    );
    expect(errors).toBeUndefined();
    const ids = harness.simulator.data.accountsOf(id).map((a) => a.id);
    expect(data.a.accounts.nodes.map((n: any) => n.id)).toEqual(ids.slice(0, 10));
    expect(data.b.accounts.nodes.map((n: any) => n.id)).toEqual(ids.slice(10, 20));
    expect(data.c.accounts.nodes.map((n: any) => n.id)).toEqual(ids.slice(200, 210));
    // The first two windows share one issuer page; the third is read as asked.
    expect(harness.simulator.log.pageReads()).toHaveLength(2);
  });

  it('costs one call for parent { id } of every account on a page', async () => {
    const { data, errors } = await harness.execute(`{
      customer(id: "${FIXTURES.customerWith75}") { accounts { nodes { id parentId parent { id } } } }
    }`);
    expect(errors).toBeUndefined();
    for (const node of data.customer.accounts.nodes) {
      expect(node.parent?.id ?? null).toBe(node.parentId);
    }
    expect(calls()).toBe(1);
  });

  it('reads only the parents that are not on the page, once each', async () => {
    const { data, errors } = await harness.execute(`{
      customer(id: "${FIXTURES.customerWith75}") {
        accounts { nodes { id parentId parent { id number } } }
      }
    }`);
    expect(errors).toBeUndefined();
    const nodes: any[] = data.customer.accounts.nodes;
    const onPage = new Set(nodes.map((n) => n.id));
    const missing = [...new Set(nodes.map((n) => n.parentId).filter((p) => p && !onPage.has(p)))];
    expect(missing.length).toBeGreaterThan(0);
    expect(harness.simulator.log.accountReads()).toEqual([...missing].sort());
    expect(calls()).toBe(1 + missing.length);
    const parentOf = (id: string) => nodes.find((n) => n.id === id)?.parent;
    expect(parentOf(FIXTURES.accountWithParentSamePage)?.id).toBe(FIXTURES.accountWithSubAccounts);
    expect(parentOf(FIXTURES.accountWithParentOtherCustomer)?.id).toBe(FIXTURES.accountTopLevel);
  });

  it.each([
    ['first: 0', { first: 0 }],
    ['first: 101', { first: 101 }],
    ['first: -1', { first: -1 }],
    ['after: garbage', { after: 'garbage' }],
  ])('refuses %s with BAD_USER_INPUT and no upstream call', async (_name, args) => {
    const { data, errors } = await harness.execute(PAGE, { id: FIXTURES.customerWith75, ...args });
    expect(data.customer).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(calls()).toBe(0);
  });

  // graphql-js refuses these in validation; the code is the contract's all the same.
  it.each([
    ['customer(id: 1.5) { id }', 'ID cannot represent'],
    ['customer(id: "1") { accounts(first: "x") { pageInfo { hasNextPage } } }', 'Int cannot'],
    ['customer(id: "1") { accounts(first: 1.5) { pageInfo { hasNextPage } } }', 'Int cannot'],
    ['customer(id: "1") { accounts(after: 7) { pageInfo { hasNextPage } } }', 'String cannot'],
    ['customer(id: null) { id }', 'Expected value of type "ID!", found null'],
    ['accounts(ids: [true]) { id }', 'ID cannot represent'],
  ])(
    'refuses the literal in %s with 400 BAD_USER_INPUT and no upstream call',
    async (query, why) => {
      const reply = await harness.execute(`{ ${query} }`);
      expect(reply.status).toBe(400);
      expect(reply.errors).toEqual([
        expect.objectContaining({
          message: expect.stringContaining(why),
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
        }),
      ]);
      expect(calls()).toBe(0);
    },
  );

  it('keeps GRAPHQL_VALIDATION_FAILED for what is not an argument value', async () => {
    const reply = await harness.execute(
      '{ customer(id: "1") { accounts(frist: 2) { edges { cursor } } } }',
    );
    expect(reply.status).toBe(400);
    expect(reply.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(calls()).toBe(0);
  });

  it('refuses a cursor handed out for another customer', async () => {
    const first = await harness.execute(PAGE, { id: FIXTURES.customerWith75, first: 5 });
    harness.simulator.log.clear();
    const { errors } = await harness.execute(PAGE, {
      id: FIXTURES.customerWith250,
      after: first.data.customer.accounts.pageInfo.endCursor,
    });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(calls()).toBe(0);
  });

  it('reads no page for pageInfo { hasPreviousPage } and __typename alone, and still checks the cursor', async () => {
    const first = await harness.execute(PAGE, { id: FIXTURES.customerWith75, first: 5 });
    const after = first.data.customer.accounts.pageInfo.endCursor;
    const ONLY_PREVIOUS = /* GraphQL */ `
      query Previous($id: ID!, $after: String, $more: Boolean!) {
        customer(id: $id) {
          accounts(first: 5, after: $after) {
            __typename
            ... on AccountConnection {
              pageInfo {
                __typename
                hasPreviousPage
              }
            }
            ...More @include(if: $more)
          }
        }
      }
      fragment More on AccountConnection {
        pageInfo {
          hasNextPage
        }
      }
    `;
    harness.simulator.log.clear();
    const free = await harness.execute(ONLY_PREVIOUS, {
      id: FIXTURES.customerWith75,
      after,
      more: false,
    });
    expect(free.errors).toBeUndefined();
    expect(free.data.customer.accounts).toEqual({
      __typename: 'AccountConnection',
      pageInfo: { __typename: 'PageInfo', hasPreviousPage: true },
    });
    expect(calls()).toBe(0);

    const start = await harness.execute(ONLY_PREVIOUS, {
      id: FIXTURES.customerWith75,
      more: false,
    });
    expect(start.data.customer.accounts.pageInfo.hasPreviousPage).toBe(false);
    expect(calls()).toBe(0);

    // hasNextPage looks past the window: the page is read.
    const paid = await harness.execute(ONLY_PREVIOUS, {
      id: FIXTURES.customerWith75,
      after,
      more: true,
    });
    expect(paid.data.customer.accounts.pageInfo).toEqual({
      __typename: 'PageInfo',
      hasPreviousPage: true,
      hasNextPage: true,
    });
    expect(calls()).toBe(1);

    const forged = await harness.execute(ONLY_PREVIOUS, {
      id: FIXTURES.customerWith250,
      after,
      more: false,
    });
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(calls()).toBe(1);
  });

  it('takes ids the issuer writes with leading zeros as the records they name, as sent', async () => {
    const id = FIXTURES.customerWith75;
    const real = await simulatorGet(harness.simulator, `/account/v4/customer/${id}`, {
      query: { page: '0', size: '4' },
    });
    const accounts = JSON.parse(real.text) as Record<string, unknown>[];
    const [first, second, third] = accounts.map((account) => String(account.id));
    // The second names the first as its parent, the third its customer, both zero-padded.
    accounts[1]!.parentId = `0${first}`;
    accounts[2]!.customerId = `00${id}`;
    harness.simulator.faults.add({
      route: 'accountsOfCustomerV4',
      id,
      body: JSON.stringify(accounts),
    });
    harness.simulator.log.clear();
    try {
      const { data, errors } = await harness.execute(`{
        customer(id: "${id}") {
          accounts(first: 3) {
            nodes { id parentId parent { id number } customerId customer { id role accounts(first: 3) { nodes { id } } } }
          }
        }
      }`);
      expect(errors).toBeUndefined();
      const nodes: any[] = data.customer.accounts.nodes;
      expect(nodes.map((node) => node.id)).toEqual([first, second, third]);
      expect(nodes[1]).toMatchObject({ parentId: `0${first}`, parent: { id: first } });
      expect(nodes[2]).toMatchObject({
        customerId: `00${id}`,
        customer: { id: `00${id}`, role: nodes[0].customer.role },
      });
      expect(nodes[0].customer.role).toEqual(expect.any(String));
      expect(nodes[2].customer.accounts.nodes.map((node: any) => node.id)).toEqual([
        first,
        second,
        third,
      ]);
      // The page and the customer, once each: the parent was on the page.
      expect(harness.simulator.log.entries().map((entry) => entry.path)).toEqual([
        `/account/v4/customer/${id}`,
        `/customer/v3/${id}`,
      ]);
    } finally {
      harness.simulator.faults.clear();
    }
  });

  it('fails a page the issuer sent longer than asked for with UPSTREAM_ERROR', async () => {
    const id = FIXTURES.customerWith75;
    // The issuer ignoring `size`: 30 accounts for a page of 3.
    const real = await simulatorGet(harness.simulator, `/account/v4/customer/${id}`, {
      query: { page: '0', size: '30' },
    });
    harness.simulator.faults.add({ route: 'accountsOfCustomerV4', id, body: real.text });
    try {
      const { data, errors } = await harness.execute(PAGE, { id, first: 2 });
      expect(data).toEqual({ customer: null });
      expect(errors).toEqual([
        expect.objectContaining({
          path: ['customer', 'accounts'],
          extensions: expect.objectContaining({ code: 'UPSTREAM_ERROR' }),
        }),
      ]);
    } finally {
      harness.simulator.faults.clear();
    }
  });

  it('fails a page one account longer than the size it asked for', async () => {
    const id = FIXTURES.customerWith75;
    await harness.execute(PAGE, { id, first: 2 });
    const [asked] = harness.simulator.log.entries('accountsOfCustomerV4');
    const size = Number(asked!.query.size);
    const longer = await simulatorGet(harness.simulator, `/account/v4/customer/${id}`, {
      query: { page: '0', size: String(size + 1) },
    });
    expect(JSON.parse(longer.text)).toHaveLength(size + 1);
    harness.simulator.faults.add({ route: 'accountsOfCustomerV4', id, body: longer.text });
    try {
      const { data, errors } = await harness.execute(PAGE, { id, first: 2 });
      expect(data).toEqual({ customer: null });
      expect(errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_ERROR']);
    } finally {
      harness.simulator.faults.clear();
    }
  });

  it('fetches customer details only when selected, once per customer', async () => {
    const { data, errors } = await harness.execute(`{
      p: customer(id: "${FIXTURES.privateCustomer}") { role displayName customerNumber locale }
      c: customer(id: "${FIXTURES.corporateCustomer}") { role displayName }
      again: customer(id: "${FIXTURES.privateCustomer}") { role }
    }`);
    expect(errors).toBeUndefined();
    expect(data.p.role).toBe('PRIVATE');
    expect(data.c.role).toBe('CORPORATE');
    expect(data.c.displayName).toBe(
      (harness.simulator.data.customer(FIXTURES.corporateCustomer) as any).name,
    );
    expect(calls()).toBe(2);
  });
});
