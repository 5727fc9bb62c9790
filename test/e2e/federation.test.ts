/**
 * The gateway as a Federation 2 subgraph: `_entities` goes through the same
 * loaders (one upstream call per distinct id), the same authorization rule and
 * the same list cap as the root fields; `_service { sdl }` describes the
 * entities.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/simulator/index.js';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../helpers/harness.js';

const ENTITIES = /* GraphQL */ `
  query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on Account {
        id
        number
        customerId
      }
      ... on Customer {
        id
      }
    }
  }
`;

const account = (id: string) => ({ __typename: 'Account', id });
const customer = (id: string) => ({ __typename: 'Customer', id });

describe('_entities over the simulator (no auth)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.simulator.log.clear());

  it('resolves N Account representations with one call per distinct id', async () => {
    const ids = [
      FIXTURES.accountExactAmounts,
      FIXTURES.accountNegativeBalance,
      FIXTURES.accountExactAmounts,
      FIXTURES.accountBigId,
      FIXTURES.accountNegativeBalance,
      FIXTURES.accountExactAmounts,
    ];
    const reply = await harness.execute(ENTITIES, { representations: ids.map(account) });

    expect(reply.errors).toBeUndefined();
    expect(reply.data._entities.map((e: { id: string }) => e.id)).toEqual(ids);
    expect(reply.data._entities[0]).toEqual({
      __typename: 'Account',
      id: FIXTURES.accountExactAmounts,
      number: harness.simulator.data.account(FIXTURES.accountExactAmounts)!.number,
      customerId: FIXTURES.corporateCustomer,
    });
    // Ids beyond 2^53 keep every digit on the way through.
    expect(reply.data._entities[3].id).toBe('90071992547409933');
    expect(harness.simulator.log.accountReads()).toEqual(
      [...new Set(ids)].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
    );
    expect(harness.simulator.log.count()).toBe(3);
  });

  it('does not fetch a parent again when it is already in hand as another representation', async () => {
    const ids = [FIXTURES.accountTopLevel, FIXTURES.accountExactAmounts];
    const reply = await harness.execute(
      /* GraphQL */ `
        query ($representations: [_Any!]!) {
          _entities(representations: $representations) {
            ... on Account {
              id
              parent {
                id
                number
              }
            }
          }
        }
      `,
      { representations: ids.map(account) },
    );

    expect(reply.errors).toBeUndefined();
    expect(reply.data._entities).toEqual([
      { id: FIXTURES.accountTopLevel, parent: null },
      {
        id: FIXTURES.accountExactAmounts,
        parent: {
          id: FIXTURES.accountTopLevel,
          number: harness.simulator.data.account(FIXTURES.accountTopLevel)!.number,
        },
      },
    ]);
    expect(harness.simulator.log.accountReads()).toEqual([
      FIXTURES.accountTopLevel,
      FIXTURES.accountExactAmounts,
    ]);
  });

  it('resolves Customer representations without a call, and their accounts with one page read', async () => {
    const reply = await harness.execute(
      /* GraphQL */ `
        query ($representations: [_Any!]!) {
          _entities(representations: $representations) {
            ... on Customer {
              id
              accounts(first: 3) {
                nodes {
                  id
                }
              }
            }
          }
        }
      `,
      {
        representations: [
          customer(FIXTURES.privateCustomer),
          customer(FIXTURES.customerNoAccounts),
          customer(FIXTURES.privateCustomer),
        ],
      },
    );

    expect(reply.errors).toBeUndefined();
    const privateIds = harness.simulator.data
      .accountsOf(FIXTURES.privateCustomer)
      .slice(0, 3)
      .map((a) => a.id);
    expect(reply.data._entities).toEqual([
      { id: FIXTURES.privateCustomer, accounts: { nodes: privateIds.map((id) => ({ id })) } },
      { id: FIXTURES.customerNoAccounts, accounts: { nodes: [] } },
      { id: FIXTURES.privateCustomer, accounts: { nodes: privateIds.map((id) => ({ id })) } },
    ]);
    // One page per distinct customer; no customer record and no account read by id.
    expect(harness.simulator.log.pageReads().map((p) => p.customerId)).toEqual(
      expect.arrayContaining([FIXTURES.privateCustomer, FIXTURES.customerNoAccounts]),
    );
    expect(harness.simulator.log.pageReads()).toHaveLength(2);
    expect(harness.simulator.log.count('customer')).toBe(0);
    expect(harness.simulator.log.accountReads()).toEqual([]);
  });

  it('answers null for an account the issuer does not have', async () => {
    const reply = await harness.execute(ENTITIES, {
      representations: [account(FIXTURES.unknownAccountId), account(FIXTURES.accountTopLevel)],
    });
    expect(reply.errors).toBeUndefined();
    expect(reply.data._entities[0]).toBeNull();
    expect(reply.data._entities[1].id).toBe(FIXTURES.accountTopLevel);
  });

  it('refuses a representation id that is not 1 to 32 digits, without calling upstream', async () => {
    const reply = await harness.execute(ENTITIES, {
      representations: [account('../customer/1'), account(FIXTURES.accountTopLevel)],
    });
    expect(reply.data._entities[0]).toBeNull();
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(reply.errors![0]!.path).toEqual(['_entities', 0]);
    expect(harness.simulator.log.accountReads()).toEqual([FIXTURES.accountTopLevel]);
    expect(harness.simulator.log.entries().some((e) => e.path.includes('..'))).toBe(false);
  });

  it('refuses representations sent as null for a variable with a default, before any call', async () => {
    const reply = await harness.execute(
      /* GraphQL */ `
        query ($r: [_Any!] = []) {
          account(id: "${FIXTURES.accountTopLevel}") { id }
          _entities(representations: $r) { __typename }
        }
      `,
      { r: null },
    );
    expect(reply.status).toBe(400);
    expect(reply.data).toBeUndefined();
    expect(reply.errors).toEqual([
      expect.objectContaining({
        message: '`representations` must not be null, and `$r` was sent as null.',
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      }),
    ]);
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('fails only the slot of a representation that is no entity of this subgraph', async () => {
    const representations = [
      account(FIXTURES.accountTopLevel),
      { __typename: 'Nope', id: '1' },
      { id: '2' },
      { __typename: 'Money', id: '3' },
      5,
      account(FIXTURES.accountMod10Reference),
    ];
    const reply = await harness.execute(ENTITIES, { representations });
    expect(reply.status).toBe(200);
    expect(reply.data._entities.map((entity: { id: string } | null) => entity?.id ?? null)).toEqual(
      [FIXTURES.accountTopLevel, null, null, null, null, FIXTURES.accountMod10Reference],
    );
    const refused = reply.errors!.map((error) => [error.path, error.extensions?.code]);
    expect(refused.sort()).toEqual([1, 2, 3, 4].map((i) => [['_entities', i], 'BAD_USER_INPUT']));
    expect(reply.errors![0]!.message).toBe(
      "A representation's `__typename` must be one of Account, Customer.",
    );
    expect(harness.simulator.log.accountReads().sort()).toEqual(
      [FIXTURES.accountTopLevel, FIXTURES.accountMod10Reference].sort(),
    );
  });

  it('takes 100 representations', async () => {
    const ids = [FIXTURES.accountTopLevel, FIXTURES.accountMod10Reference];
    const representations = Array.from({ length: 100 }, (_, i) => account(ids[i % 2]!));
    const reply = await harness.execute(ENTITIES, { representations });
    expect(reply.errors).toBeUndefined();
    expect(reply.data._entities).toHaveLength(100);
    expect(harness.simulator.log.count()).toBe(2);
  });

  const fortyOneInline = Array.from(
    { length: 41 },
    () => `{ __typename: "Account", id: "${FIXTURES.accountTopLevel}" }`,
  ).join(', ');
  it.each([
    {
      how: 'in one variable',
      query: ENTITIES,
      variables: {
        representations: Array.from({ length: 101 }, () => account(FIXTURES.accountTopLevel)),
      },
    },
    {
      how: 'over aliases, fragments, literals',
      query: /* GraphQL */ `
        query ($a: [_Any!]!) {
          first: _entities(representations: $a) {
            __typename
          }
          ...More
        }
        fragment More on Query {
          second: _entities(representations: [${fortyOneInline}]) {
            __typename
          }
        }
      `,
      variables: { a: Array.from({ length: 60 }, () => account(FIXTURES.accountTopLevel)) },
    },
    {
      how: "in a variable's default value, the variable left out",
      query: /* GraphQL */ `
        query ($a: [_Any!]! = [${fortyOneInline}], $b: [_Any!]!) {
          first: _entities(representations: $a) {
            __typename
          }
          second: _entities(representations: $b) {
            __typename
          }
        }
      `,
      variables: { b: Array.from({ length: 60 }, () => account(FIXTURES.accountTopLevel)) },
    },
  ])(
    'refuses 101 representations $how with BAD_USER_INPUT and no upstream call',
    async ({ query, variables }) => {
      const reply = await harness.execute(query, variables);
      expect(reply.status).toBe(400);
      expect(reply.data).toBeUndefined();
      expect(reply.errors).toHaveLength(1);
      expect(reply.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
      expect(reply.errors![0]!.message).toContain('at most 100 representations');
      expect(reply.errors![0]!.message).toContain('got 101');
      expect(harness.simulator.log.count()).toBe(0);
    },
  );

  it('counts a field asked for twice under one response key once, as it runs once', async () => {
    const reply = await harness.execute(
      /* GraphQL */ `
        query ($a: [_Any!]!) {
          _entities(representations: $a) {
            __typename
          }
          ...Again
          skipped: _entities(representations: $a) @skip(if: true) {
            __typename
          }
        }
        fragment Again on Query {
          _entities(representations: $a) {
            ... on Account {
              id
            }
          }
        }
      `,
      { a: Array.from({ length: 60 }, () => account(FIXTURES.accountTopLevel)) },
    );
    expect(reply.status).toBe(200);
    expect(reply.errors).toBeUndefined();
    expect(reply.data._entities).toHaveLength(60);
    expect(reply.data.skipped).toBeUndefined();
  });

  it('describes the entities in _service { sdl }', async () => {
    const reply = await harness.execute('{ _service { sdl } }');
    expect(reply.errors).toBeUndefined();
    const sdl: string = reply.data._service.sdl;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.10"');
    expect(sdl).toMatch(/type Account\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Customer\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/\n\s+ids: \[ID!\]!\s*\): \[Account\]!/);
    expect(harness.simulator.log.count()).toBe(0);
  });
});

describe('_entities under the authorization rule', () => {
  let harness: Harness;
  const secret = new TextEncoder().encode(TEST_JWT_SECRET);
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(secret);
  const bearer = async (claims: Record<string, unknown>) => ({
    authorization: `Bearer ${await sign(claims)}`,
  });

  beforeAll(async () => {
    harness = await startHarness({ auth: true });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.simulator.log.clear());

  const otherCustomersAccount = () =>
    harness.simulator.data.accountsOf(FIXTURES.privateCustomer)[0]!.id;

  it('gives a customer-scoped caller its own entities and FORBIDDEN for the rest', async () => {
    const headers = await bearer({ sub: 'app-user-1', customer_id: FIXTURES.corporateCustomer });
    const reply = await harness.execute(
      ENTITIES,
      {
        representations: [
          account(FIXTURES.accountExactAmounts),
          account(otherCustomersAccount()),
          account(FIXTURES.unknownAccountId),
          customer(FIXTURES.corporateCustomer),
          customer(FIXTURES.privateCustomer),
        ],
      },
      headers,
    );

    expect(reply.status).toBe(200);
    expect(reply.data._entities).toEqual([
      {
        __typename: 'Account',
        id: FIXTURES.accountExactAmounts,
        number: harness.simulator.data.account(FIXTURES.accountExactAmounts)!.number,
        customerId: FIXTURES.corporateCustomer,
      },
      null,
      null,
      { __typename: 'Customer', id: FIXTURES.corporateCustomer },
      null,
    ]);
    const errors = [...reply.errors!].sort((a, b) => Number(a.path![1]) - Number(b.path![1]));
    expect(errors.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['_entities', 1], 'FORBIDDEN'],
      [['_entities', 2], 'FORBIDDEN'],
      [['_entities', 4], 'FORBIDDEN'],
    ]);
    // Someone else's account and a missing one are indistinguishable.
    expect(errors[0]!.message).toBe(errors[1]!.message);
    // Nothing of the other customer's account leaks into the answer.
    const other = harness.simulator.data.account(otherCustomersAccount())!;
    expect(reply.text).not.toContain(FIXTURES.privateCustomer);
    expect(other.number).toBeTruthy();
    expect(reply.text).not.toContain(other.number);
    // Every call went out under the caller's name.
    const auditUsers = harness.simulator.log.entries().map((e) => e.query.auditUser);
    expect(auditUsers.length).toBeGreaterThan(0);
    expect(new Set(auditUsers)).toEqual(new Set(['app-user-1']));
  });

  it("lets an accounts:read:any caller read any customer's entities", async () => {
    const headers = await bearer({ sub: 'back-office', scope: 'profile accounts:read:any' });
    const reply = await harness.execute(
      ENTITIES,
      {
        representations: [
          account(FIXTURES.accountExactAmounts),
          account(otherCustomersAccount()),
          account(FIXTURES.unknownAccountId),
          customer(FIXTURES.privateCustomer),
        ],
      },
      headers,
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data._entities.map((e: { id: string } | null) => e?.id ?? null)).toEqual([
      FIXTURES.accountExactAmounts,
      otherCustomersAccount(),
      null,
      FIXTURES.privateCustomer,
    ]);
    expect(harness.simulator.log.count('accountV4')).toBe(3);
  });

  it('refuses _entities without a token: 401, UNAUTHENTICATED, no upstream call', async () => {
    const reply = await harness.execute(ENTITIES, {
      representations: [account(FIXTURES.accountExactAmounts)],
    });
    expect(reply.status).toBe(401);
    expect(reply.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
    expect(harness.simulator.log.count()).toBe(0);
  });
});
