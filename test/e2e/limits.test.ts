/**
 * Operation limits (RELIABILITY.md rows Q1 to Q11): hostile operations are
 * refused with a clean 400 before anything executes, so the simulator log
 * stays empty. Production behaviour (introspection, `_service`, suggestions)
 * is checked in a gateway process started with NODE_ENV=production.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShapes } from '../../bench/lib/shapes.js';
import { createSimulatorData, FIXTURES } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawnGateway.js';

const example = (name: string) =>
  readFileSync(new URL(`../../examples/operations/${name}.graphql`, import.meta.url), 'utf8');
// The example app's fragment: what a list shows for each account.
const ACCOUNT_SUMMARY = example('accountSummary');

const parents = (levels: number) => `${'parent { '.repeat(levels)}id${' }'.repeat(levels)}`;
const ACCOUNT = FIXTURES.accountWithGrandparent;

function expectRefused(
  reply: { status: number; errors?: { extensions?: Record<string, unknown> }[] },
  code: string,
  limit?: string,
) {
  expect(reply.status).toBe(400);
  expect(reply.errors?.[0]?.extensions?.code).toBe(code);
  if (limit) expect(reply.errors?.[0]?.extensions?.validationErrorCode).toBe(limit);
}

describe('operation limits with the default settings', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.simulator.log.clear());

  describe('depth', () => {
    it('takes an operation exactly 10 levels deep', async () => {
      // account (1) + 8 × parent + id = 10 levels.
      const reply = await harness.execute(`{ account(id: "${ACCOUNT}") { ${parents(8)} } }`);
      expect(reply.status).toBe(200);
      expect(reply.errors).toBeUndefined();
      expect(reply.data.account.parent).not.toBeNull();
    });

    it.each([11, 22, 42])('refuses %i levels with no upstream call (Q1)', async (levels) => {
      const reply = await harness.execute(
        `{ account(id: "${ACCOUNT}") { ${parents(levels - 2)} } }`,
      );
      expectRefused(reply, 'GRAPHQL_VALIDATION_FAILED', 'MAX_DEPTH');
      expect(reply.errors![0]!.message).toBe(
        `The operation is ${levels} levels deep; at most 10 are allowed.`,
      );
      expect(reply.data).toBeUndefined();
      expect(harness.simulator.log.count()).toBe(0);
    });

    it('counts levels reached through nested named fragments (Q2)', async () => {
      const fragments = Array.from(
        { length: 12 },
        (_, i) => `fragment F${i} on Account { id parent { ...F${i + 1} } }`,
      ).join('\n');
      const query = `{ account(id: "${ACCOUNT}") { ...F0 } }
        ${fragments}
        fragment F12 on Account { id }`;
      const reply = await harness.execute(query);
      expectRefused(reply, 'GRAPHQL_VALIDATION_FAILED', 'MAX_DEPTH');
      expect(reply.errors![0]!.message).toMatch(/^The operation is 14 levels deep/);
      expect(harness.simulator.log.count()).toBe(0);
    });

    it('counts levels reached through inline fragments', async () => {
      const inline = `${'... on Account { parent { '.repeat(10)}id${' } }'.repeat(10)}`;
      const reply = await harness.execute(`{ account(id: "${ACCOUNT}") { ${inline} } }`);
      expectRefused(reply, 'GRAPHQL_VALIDATION_FAILED', 'MAX_DEPTH');
      expect(harness.simulator.log.count()).toBe(0);
    });

    it('measures a fragment spread many times once, whatever the fan-out', async () => {
      // Each fragment spreads the next twice: 2^30 paths, which a walk per
      // path would not finish within the test's time; walked once each
      // fragment, only the depth refuses it (no aliases to count).
      const fragments = Array.from(
        { length: 30 },
        (_, i) => `fragment G${i} on Account { parent { ...G${i + 1} } parent { ...G${i + 1} } }`,
      ).join('\n');
      const reply = await harness.execute(
        `{ account(id: "${ACCOUNT}") { ...G0 } } ${fragments} fragment G30 on Account { id }`,
      );
      expectRefused(reply, 'GRAPHQL_VALIDATION_FAILED', 'MAX_DEPTH');
      expect(reply.errors![0]!.message).toBe(
        'The operation is 32 levels deep; at most 10 are allowed.',
      );
      expect(harness.simulator.log.count()).toBe(0);
    });

    it('refuses 5000 levels of nesting in the parser and keeps answering (Q3)', async () => {
      const reply = await harness.execute(`{${'a{'.repeat(5000)}b${'}'.repeat(5000)}}`);
      expectRefused(reply, 'GRAPHQL_PARSE_FAILED');
      expect(reply.errors![0]!.message).toMatch(/more th\w+ 1000 tokens/);
      const next = await harness.execute('{ __typename }');
      expect(next.data).toEqual({ __typename: 'Query' });
    });
  });

  describe('aliases and root fields', () => {
    const aliased = (n: number) => Array.from({ length: n }, (_, i) => `n${i}: number`).join(' ');

    it('takes 15 aliases and refuses 16 (no upstream call)', async () => {
      const ok = await harness.execute(`{ account(id: "${ACCOUNT}") { ${aliased(15)} } }`);
      expect(ok.status).toBe(200);
      expect(Object.keys(ok.data.account)).toHaveLength(15);
      harness.simulator.log.clear();

      const refused = await harness.execute(`{ account(id: "${ACCOUNT}") { ${aliased(16)} } }`);
      expectRefused(refused, 'GRAPHQL_VALIDATION_FAILED', 'MAX_ALIASES');
      expect(refused.errors![0]!.message).toBe(
        'The operation has 16 aliased fields; at most 15 are allowed.',
      );
      expect(harness.simulator.log.count()).toBe(0);
    });

    it('counts the aliases of a fragment once per spread', async () => {
      const reply = await harness.execute(`
        { a: account(id: "${ACCOUNT}") { ...Five } b: account(id: "${ACCOUNT}") { ...Five }
          c: account(id: "${ACCOUNT}") { ...Five } }
        fragment Five on Account { n1: number n2: number n3: number n4: number n5: number }`);
      expectRefused(reply, 'GRAPHQL_VALIDATION_FAILED', 'MAX_ALIASES');
      expect(reply.errors![0]!.message).toMatch(/^The operation has 18 aliased fields/);
      expect(harness.simulator.log.count()).toBe(0);
    });

    it.each([1000, 2000])(
      'refuses %i aliased root fields with no upstream call (Q4)',
      async (n) => {
        const query = `{ ${Array.from({ length: n }, (_, i) => `a${i}: account(id: "${i + 1}") { id }`).join(' ')} }`;
        const reply = await harness.execute(query);
        expect(reply.status).toBe(400);
        expect(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']).toContain(
          reply.errors![0]!.extensions!.code,
        );
        expect(harness.simulator.log.count()).toBe(0);
      },
    );

    it('takes 10 root fields and refuses 11', async () => {
      const roots = (n: number) =>
        Array.from({ length: n }, (_, i) => `c${i}: customer(id: "${i + 1}") { id }`).join(' ');
      const ok = await harness.execute(`{ __typename ${roots(10)} }`);
      expect(ok.status).toBe(200);
      expect(Object.keys(ok.data)).toHaveLength(11);

      const refused = await harness.execute(`{ ${roots(11)} }`);
      expectRefused(refused, 'GRAPHQL_VALIDATION_FAILED', 'MAX_ROOT_FIELDS');
      expect(refused.errors![0]!.message).toBe(
        'The operation asks for 11 root fields; at most 10 are allowed.',
      );
    });

    it('counts root fields inside fragments on Query, once per response key, as they run', async () => {
      const six = `fragment Six on Query { a: customer(id: "1") { id } b: customer(id: "2") { id }
          c: customer(id: "3") { id } d: customer(id: "4") { id }
          e: customer(id: "5") { id } f: customer(id: "6") { id } }`;
      const refused = await harness.execute(`
        { ...Six ... on Query { ...Five } }
        ${six}
        fragment Five on Query { g: customer(id: "7") { id } h: customer(id: "8") { id }
          i: customer(id: "9") { id } j: customer(id: "10") { id } k: customer(id: "11") { id } }`);
      expectRefused(refused, 'GRAPHQL_VALIDATION_FAILED', 'MAX_ROOT_FIELDS');
      expect(refused.errors![0]!.message).toBe(
        'The operation asks for 11 root fields; at most 10 are allowed.',
      );

      // The same fields spread twice run once.
      const twice = await harness.execute(`{ ...Six ... on Query { ...Six } } ${six}`);
      expect(twice.status).toBe(200);
      expect(Object.keys(twice.data)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    });

    it('counts once a root field that many colocated fragments select alike', async () => {
      const names = Array.from({ length: 12 }, (_, i) => `Part${i}`);
      const reply = await harness.execute(
        `query ($id: ID!) { ${names.map((name) => `...${name}`).join(' ')} }
        ${names
          .map((name, i) => `fragment ${name} on Query { customer(id: $id) { id f${i}: id } }`)
          .join('\n')}`,
        { id: FIXTURES.privateCustomer },
      );
      expect(reply.status).toBe(200);
      expect(reply.errors).toBeUndefined();
      expect(reply.data.customer.id).toBe(FIXTURES.privateCustomer);
      expect(reply.data.customer.f11).toBe(FIXTURES.privateCustomer);
    });
  });

  describe('result size', () => {
    const CUSTOMER = FIXTURES.customerWith75;
    // Each level lists a page of accounts, and each of those opens its customer's list again.
    const nested = (levels: number, page: string): string =>
      levels === 0
        ? 'id'
        : `customer { accounts${page} { nodes { ${nested(levels - 1, page)} } } }`;
    const fanOut = (levels: number, page = '(first: 100)') =>
      `{ customer(id: "${CUSTOMER}") { accounts${page} { nodes { ${nested(levels, page)} } } } }`;
    const ACCOUNTS_OF_ACCOUNTS = /* GraphQL */ `
      query ($first: Int, $ids: [ID!]!) {
        accounts(ids: $ids) {
          customer {
            accounts(first: $first) {
              nodes {
                id
                number
              }
            }
          }
        }
      }
    `;

    it("takes each account's customer's accounts at the default page size, one level down", async () => {
      const reply = await harness.execute(fanOut(1, ''));
      expect(reply.status).toBe(200);
      expect(reply.errors).toBeUndefined();
      const nodes = reply.data.customer.accounts.nodes;
      expect(nodes).toHaveLength(30);
      expect(nodes[29].customer.accounts.nodes).toHaveLength(30);
    });

    it('refuses lists nested three deep, a million accounts, with no upstream call', async () => {
      const reply = await harness.execute(fanOut(2));
      expectRefused(reply, 'GRAPHQL_VALIDATION_FAILED', 'MAX_RESULT_FIELDS');
      expect(reply.errors![0]!.message).toBe(
        'The answer could hold up to 3030301 fields, each list counted at its largest; at most 20000 are allowed.',
      );
      expect(harness.simulator.log.count()).toBe(0);
    });

    it('counts the lists inside a named fragment where it is spread', async () => {
      const reply = await harness.execute(/* GraphQL */ `
        { customer(id: "${CUSTOMER}") { accounts(first: 100) { nodes { ...Fan } } } }
        fragment Fan on Account { customer { accounts(first: 100) { nodes { ...Leaf } } } }
        fragment Leaf on Account { customer { accounts(first: 100) { nodes { id } } } }
      `);
      expectRefused(reply, 'GRAPHQL_VALIDATION_FAILED', 'MAX_RESULT_FIELDS');
      expect(harness.simulator.log.count()).toBe(0);
    });

    it('sizes lists by the variables the request sends', async () => {
      const small = await harness.execute(ACCOUNTS_OF_ACCOUNTS, {
        first: 2,
        ids: [FIXTURES.accountTopLevel],
      });
      expect(small.status).toBe(200);
      expect(small.data.accounts[0].customer.accounts.nodes).toHaveLength(2);
      harness.simulator.log.clear();

      const ids = Array.from({ length: 100 }, () => FIXTURES.accountTopLevel);
      const large = await harness.execute(ACCOUNTS_OF_ACCOUNTS, { first: 100, ids });
      expectRefused(large, 'GRAPHQL_VALIDATION_FAILED', 'MAX_RESULT_FIELDS');
      expect(large.errors![0]!.message).toContain('could hold up to 40200 fields');
      expect(harness.simulator.log.count()).toBe(0);
    });

    it('leaves out what @skip and @include leave out, once the variables say so', async () => {
      const query = /* GraphQL */ `
        query ($deep: Boolean = false, $shallow: Boolean!) {
          customer(id: "${CUSTOMER}") {
            accounts(first: 100) {
              nodes {
                id
                customer @include(if: $deep) { accounts(first: 100) { nodes { id number } } }
                more: customer @skip(if: $shallow) { accounts(first: 100) { nodes { id } } }
              }
            }
          }
        }
      `;
      const shallow = await harness.execute(query, { shallow: true });
      expect(shallow.status).toBe(200);
      expect(shallow.errors).toBeUndefined();
      expect(shallow.data.customer.accounts.nodes).toHaveLength(75);
      expect(shallow.data.customer.accounts.nodes[0]).toEqual({ id: expect.any(String) });
      harness.simulator.log.clear();

      // Either branch taken counts in full again.
      for (const variables of [{ deep: true, shallow: true }, { shallow: false }]) {
        const deep = await harness.execute(query, variables);
        expectRefused(deep, 'GRAPHQL_VALIDATION_FAILED', 'MAX_RESULT_FIELDS');
      }
      expect(harness.simulator.log.count()).toBe(0);
    });

    it("takes a variable's declared default when the request leaves it out", async () => {
      const query = ACCOUNTS_OF_ACCOUNTS.replace('$first: Int', '$first: Int = 100');
      const ids = Array.from({ length: 100 }, () => FIXTURES.accountTopLevel);
      expectRefused(
        await harness.execute(query, { ids }),
        'GRAPHQL_VALIDATION_FAILED',
        'MAX_RESULT_FIELDS',
      );
    });

    it("counts a router's representations by how many it sends", async () => {
      // What a router sends to fetch a customer's accounts: with all 100
      // representations it allows this would be 100 pages of 100 accounts.
      const customersAccounts = (count: number) =>
        harness.execute(
          /* GraphQL */ `
            query ($representations: [_Any!]!) {
              _entities(representations: $representations) {
                ... on Customer {
                  accounts(first: 100) {
                    nodes {
                      ...AccountSummary
                    }
                  }
                }
              }
            }
            ${ACCOUNT_SUMMARY}
          `,
          { representations: Array(count).fill({ __typename: 'Customer', id: CUSTOMER }) },
        );
      const one = await customersAccounts(1);
      expect(one.status).toBe(200);
      expect(one.errors).toBeUndefined();
      expect(one.data._entities[0].accounts.nodes).toHaveLength(75);
      harness.simulator.log.clear();

      const many = await customersAccounts(100);
      expectRefused(many, 'GRAPHQL_VALIDATION_FAILED', 'MAX_RESULT_FIELDS');
      // 1501 fields a representation (a page of 100 accounts), 100 times.
      expect(many.errors![0]!.message).toContain('could hold up to 150100 fields');
      expect(harness.simulator.log.count()).toBe(0);
    });
  });

  describe('tokens, duplicates and directives', () => {
    it('refuses 2000 copies of a field by the token limit (Q5)', async () => {
      const reply = await harness.execute(
        `{ account(id: "${ACCOUNT}") { ${'number '.repeat(2000)} } }`,
      );
      expectRefused(reply, 'GRAPHQL_PARSE_FAILED');
      expect(harness.simulator.log.count()).toBe(0);
    });

    it('answers 500 copies of __typename with exactly one upstream call (Q5)', async () => {
      const reply = await harness.execute(
        `{ account(id: "${ACCOUNT}") { id ${'__typename '.repeat(500)} } }`,
      );
      expect(reply.status).toBe(200);
      expect(reply.data.account).toEqual({ id: ACCOUNT, __typename: 'Account' });
      expect(harness.simulator.log.accountReads()).toEqual([ACCOUNT]);
    });

    it('refuses 1000 unknown directives with a short answer (Q6)', async () => {
      const reply = await harness.execute(`{ __typename ${'@aa'.repeat(1000)} }`);
      expect(reply.status).toBe(400);
      expect(reply.errors!.length).toBeLessThanOrEqual(11);
      expect(reply.text.length).toBeLessThan(10 * 1024);
    });

    it('refuses more than 50 directives that fit the token limit', async () => {
      const fields = Array.from({ length: 51 }, () => '__typename @include(if: true)').join(' ');
      const reply = await harness.execute(`{ ${fields} }`);
      expectRefused(reply, 'GRAPHQL_VALIDATION_FAILED', 'MAX_DIRECTIVES');
    });

    it('stops validation after 10 errors', async () => {
      const fields = Array.from({ length: 40 }, (_, i) => `unknown${i}`).join(' ');
      const reply = await harness.execute(`{ ${fields} }`);
      expect(reply.status).toBe(400);
      expect(reply.errors).toHaveLength(11);
      expect(reply.errors![10]!.message).toMatch(/Too many validation errors/);
    });

    it('refuses fragment cycles without hanging the custom rules (Q7)', async () => {
      const reply = await harness.execute(`
        { account(id: "${ACCOUNT}") { ...A } }
        fragment A on Account { parent { ...B } }
        fragment B on Account { parent { ...A } }`);
      expect(reply.status).toBe(400);
      expect(reply.errors!.some((e) => /Cannot spread fragment "A"/.test(e.message))).toBe(true);
      expect(harness.simulator.log.count()).toBe(0);
    });

    it('refuses an overlapping-field blow-up past the token limit in the parser (Q8)', async () => {
      const inner = Array.from({ length: 10 }, (_, i) => `x: customer(id: "${i}") { id }`).join(
        ' ',
      );
      const query = `{ ${Array.from({ length: 200 }, () => `... on Query { ${inner} }`).join(' ')} }`;
      const reply = await harness.execute(query);
      expect(reply.status).toBe(400);
      expect(reply.errors![0]!.extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
      expect(harness.simulator.log.count()).toBe(0);
    });
  });

  it('answers _service { sdl } while introspection is on (outside production)', async () => {
    const reply = await harness.execute('{ _service { sdl } }');
    expect(reply.status).toBe(200);
    expect(reply.data._service.sdl).toContain('type Account');
  });
});

describe('limits set by the environment', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      env: { MAX_DEPTH: '3', MAX_ALIASES: '1', MAX_ROOT_FIELDS: '2', MAX_TOKENS: '100' },
    });
  });
  afterAll(() => harness.close());

  it('applies MAX_DEPTH, MAX_ALIASES, MAX_ROOT_FIELDS and MAX_TOKENS', async () => {
    const deep = await harness.execute(`{ account(id: "${ACCOUNT}") { parent { id } } }`);
    expect(deep.status).toBe(200);
    const deeper = await harness.execute(
      `{ account(id: "${ACCOUNT}") { parent { parent { id } } } }`,
    );
    expectRefused(deeper, 'GRAPHQL_VALIDATION_FAILED', 'MAX_DEPTH');

    const aliases = await harness.execute(`{ a: customer(id: "1") { b: id } }`);
    expectRefused(aliases, 'GRAPHQL_VALIDATION_FAILED', 'MAX_ALIASES');

    const roots = await harness.execute(
      `{ customer(id: "1") { id } account(id: "1") { id } accounts(ids: []) { id } }`,
    );
    expectRefused(roots, 'GRAPHQL_VALIDATION_FAILED', 'MAX_ROOT_FIELDS');

    const tokens = await harness.execute(`{ ${'__typename '.repeat(120)} }`);
    expectRefused(tokens, 'GRAPHQL_PARSE_FAILED');
  });
});

describe('MAX_TOKENS at its highest', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { MAX_TOKENS: '20000' } });
  });
  afterAll(() => harness.close());

  it('refuses a chain of 1600 named fragments as too deep, not with a stack overflow', async () => {
    harness.simulator.log.clear();
    const chain = Array.from(
      { length: 1600 },
      (_, i) => `fragment F${i} on Account { parent { ...F${i + 1} } }`,
    ).join('\n');
    const reply = await harness.execute(
      `{ account(id: "${ACCOUNT}") { ...F0 } }\n${chain}\nfragment F1600 on Account { id }`,
    );
    expectRefused(reply, 'GRAPHQL_VALIDATION_FAILED', 'MAX_DEPTH');
    expect(reply.errors?.[0]?.message).toContain('1602 levels deep');
    expect(harness.simulator.log.entries()).toHaveLength(0);
  });

  it.each([
    [
      '4000 copies of one field with a selection',
      `account(id: "${ACCOUNT}") { ${'parent { id } '.repeat(4000)} }`,
    ],
    ['8000 copies of __typename', '__typename '.repeat(8000)],
  ])('refuses %s within the overlap check, before any call (Q8)', async (_case, fields) => {
    harness.simulator.log.clear();
    const reply = await harness.execute(`{ ${fields} }`);
    expectRefused(reply, 'GRAPHQL_VALIDATION_FAILED');
    expect(reply.errors?.[0]?.message).toBe(
      'The operation takes too much work to validate: fields of one name, or fragments, overlap too many times.',
    );
    expect(harness.simulator.log.entries()).toHaveLength(0);
  });
});

describe('MAX_RESULT_FIELDS set by the environment', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { MAX_RESULT_FIELDS: '100' } });
  });
  afterAll(() => harness.close());

  // The figures the README quotes, measured by the refusal at the lowest setting.
  const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const quoted = (pattern: RegExp) => Number(pattern.exec(README)?.[1]?.replace(/\s/g, ''));
  const withParents = createShapes(createSimulatorData(1)).find(
    (shape) => shape.name === 'customerPageWithParents',
  )!.operations.gateway!;
  const cases: {
    name: string;
    query: string;
    variables: Record<string, unknown>;
    fields: number;
  }[] = [
    {
      name: "the example app's CustomerAccounts",
      query: example('customerAccounts') + ACCOUNT_SUMMARY,
      variables: { customerId: FIXTURES.customerWith75 },
      fields: quoted(/`CustomerAccounts` \(10 accounts a page\) measures (\d+)/),
    },
    {
      name: "the benchmark's customer page with parents",
      query: withParents.query,
      variables: withParents.variables ?? {},
      fields: quoted(/customer page with parents (\d[\d ]*\d)\./),
    },
  ];
  it.each(cases)(
    'measures $name at $fields fields, as the README says, and refuses it',
    async (c) => {
      expect(c.fields).toBeGreaterThan(100);
      const reply = await harness.execute(c.query, c.variables);
      expectRefused(reply, 'GRAPHQL_VALIDATION_FAILED', 'MAX_RESULT_FIELDS');
      expect(reply.errors![0]!.message).toContain(`could hold up to ${c.fields} fields`);
      expect(harness.simulator.log.count()).toBe(0);
    },
  );

  it('counts accounts without `first` as its default of 30', async () => {
    const page = (first: string) =>
      `{ customer(id: "${FIXTURES.customerWith75}") { accounts${first} { nodes { id number status } } } }`;
    const [leftOut, thirty, ten] = await Promise.all(
      ['', '(first: 30)', '(first: 10)'].map((first) => harness.execute(page(first))),
    );
    expectRefused(leftOut!, 'GRAPHQL_VALIDATION_FAILED', 'MAX_RESULT_FIELDS');
    expect(leftOut!.errors![0]!.message).toBe(thirty!.errors![0]!.message);
    expect(ten!.errors).toBeUndefined();
    expect(ten!.data.customer.accounts.nodes).toHaveLength(10);
  });
});

describe('aliases at the highest token limit', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { MAX_TOKENS: '20000' } });
  });
  afterAll(() => harness.close());

  it('refuses 1600 __typename aliases on one account with no upstream call', async () => {
    const aliases = Array.from({ length: 1600 }, (_, i) => `a${i}: __typename`).join(' ');
    const reply = await harness.execute(`{ account(id: "${ACCOUNT}") { ${aliases} } }`);
    expectRefused(reply, 'GRAPHQL_VALIDATION_FAILED', 'MAX_ALIASES');
    expect(harness.simulator.log.count()).toBe(0);
  });
});

describe('in production (NODE_ENV=production)', () => {
  let closed: SpawnedGateway;
  let open: SpawnedGateway;
  beforeAll(async () => {
    [closed, open] = await Promise.all([
      spawnGateway({ NODE_ENV: 'production' }),
      spawnGateway({ NODE_ENV: 'production', INTROSPECTION: 'true' }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([closed?.close(), open?.close()]);
  });

  it("does not count introspection's levels toward MAX_DEPTH when it is allowed", async () => {
    // 12 levels, as a client's full introspection query reaches: over the
    // limit of 10 for data, answered for introspection.
    const ofType = (levels: number): string =>
      levels === 0 ? 'name' : `name ofType { ${ofType(levels - 1)} }`;
    const reply = await open.post({
      query: `{ __schema { types { fields { type { ${ofType(7)} } } } } }`,
    });
    expect(reply.status).toBe(200);
    expect(reply.json.errors).toBeUndefined();
    expect(reply.json.data.__schema.types.length).toBeGreaterThan(10);
  });

  it('refuses introspection whose lists nest deep enough to grow without bound', async () => {
    // Exempt from MAX_DEPTH, each `fields` level multiplies the answer; graphql-js's
    // MaxIntrospectionDepthRule stops at three nested lists, before anything runs.
    let selection = 'name';
    for (let level = 0; level < 30; level++) {
      selection = `fields { type { ofType { ofType { ${selection} } } } }`;
    }
    const reply = await open.post({ query: `{ __type(name: "__Type") { ${selection} } }` });
    expect(reply.status).toBe(400);
    expect(reply.json.errors).toMatchObject([
      {
        message: 'Maximum introspection depth exceeded',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
    ]);
  });

  it.each([
    [
      '__schema',
      '{ __schema { types { name } } }',
      'Account',
      (data: any): string[] => data.__schema.types.map((t: { name: string }) => t.name),
    ],
    [
      '__type',
      '{ __type(name: "Account") { fields { name } } }',
      'balance',
      (data: any): string[] => data.__type.fields.map((f: { name: string }) => f.name),
    ],
  ])('refuses %s unless INTROSPECTION=true (Q9)', async (_field, text, name, names) => {
    const query = { query: text };
    const refused = await closed.post(query);
    expect(refused.status).toBe(400);
    expect(refused.json.errors[0].extensions).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      validationErrorCode: 'INTROSPECTION_DISABLED',
    });
    expect(refused.text).not.toContain(name);

    const allowed = await open.post(query);
    expect(allowed.status).toBe(200);
    expect(names(allowed.json.data)).toContain(name);
  });

  it('refuses _service { sdl } unless INTROSPECTION=true (Q10)', async () => {
    const refused = await closed.post({ query: '{ _service { sdl } }' });
    expect(refused.status).toBe(400);
    expect(refused.json.errors[0].extensions).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      validationErrorCode: 'INTROSPECTION_DISABLED',
    });
    expect(refused.text).not.toMatch(/type Account|@key/);

    // Through a fragment on Query too.
    const viaFragment = await closed.post({
      query: '{ ...S } fragment S on Query { _service { sdl } }',
    });
    expect(viaFragment.status).toBe(400);
    expect(viaFragment.text).not.toMatch(/type Account/);

    const allowed = await open.post({ query: '{ _service { sdl } }' });
    expect(allowed.status).toBe(200);
    expect(allowed.json.data._service.sdl).toContain('type Account');
  });

  it('suggests no field names (Q11)', async () => {
    const reply = await closed.post({ query: '{ acount(id: "1") { id } }' });
    expect(reply.status).toBe(400);
    expect(reply.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(reply.text).not.toMatch(/Did you mean|"account"|accounts/);
  });

  it('sends no stack traces with any refusal (S3)', async () => {
    const replies = await Promise.all([
      closed.post({ query: '{' }),
      closed.post({ query: `{ account(id: "${ACCOUNT}") { ${parents(40)} } }` }),
      closed.post({ query: '{ account(id: "..") { id } }' }),
      closed.post({
        query: 'query($id: ID!) { account(id: $id) { id } }',
        variables: { id: true },
      }),
      closed.post('{"query":'),
      closed.post([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    ]);
    expect(replies.map((r) => r.status)).toEqual([400, 400, 200, 400, 400, 400]);
    for (const reply of replies) {
      expect(reply.text).not.toMatch(/stacktrace|\n\s+at |\.ts:\d|node_modules/);
      expect(reply.json.errors.length).toBeGreaterThan(0);
    }
  });
});
