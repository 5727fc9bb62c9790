/**
 * The example app: its operations are valid against the gateway's schema, and
 * examples/pageAccounts.ts (@apollo/client + the typed documents) pages
 * through a customer's accounts against a running gateway, run as a user
 * would run it.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { parse, validate } from 'graphql';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSchema } from '../../src/schema.js';
import { FIXTURES } from '../../src/simulator/index.js';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../helpers/harness.js';
import { refusedPort } from '../helpers/refusedPort.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url);
const OPERATIONS = new URL('examples/operations/', ROOT);

function pageAccounts(...args: string[]) {
  return pageAccountsWith({}, ...args);
}

function pageAccountsWith(env: Record<string, string>, ...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'examples/pageAccounts.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
}

describe('examples/operations', () => {
  it('are valid against the schema the gateway serves', () => {
    const files = readdirSync(OPERATIONS).filter((file) => file.endsWith('.graphql'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const document = parse(
      files.map((f) => readFileSync(new URL(f, OPERATIONS), 'utf8')).join('\n'),
    );
    expect(validate(createSchema(), document).map((error) => error.message)).toEqual([]);
  });
});

describe('examples/pageAccounts.ts against the gateway', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.simulator.log.clear());

  it("prints every account of a customer, page by page, with the issuer's exact amounts", async () => {
    const { stdout } = await pageAccounts(
      '--url',
      `${harness.url}/graphql`,
      '--customer',
      FIXTURES.customerWith75,
      '--page-size',
      '30',
    );
    const lines = stdout.trimEnd().split('\n');
    const expected = harness.simulator.data.accountsOf(FIXTURES.customerWith75);

    expect(lines.at(-1)).toBe('75 accounts in 3 pages');
    expect(lines.slice(0, -1)).toEqual(
      expected.map((a) =>
        [
          a.id,
          a.number,
          a.status,
          a.balance === undefined ? 'no balance' : `${a.balance} ${a.currency}`,
        ].join('\t'),
      ),
    );
    // Three GraphQL pages; the gateway reads one upstream page for each.
    expect(harness.simulator.log.pageReads()).toHaveLength(3);
    expect(harness.simulator.log.accountReads()).toEqual([]);
  }, 60_000);

  it('stops after one page when the customer has fewer accounts than a page', async () => {
    const { stdout } = await pageAccounts(
      '--url',
      `${harness.url}/graphql`,
      '--customer',
      FIXTURES.privateCustomer,
    );
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(
      `${harness.simulator.data.accountsOf(FIXTURES.privateCustomer).length} accounts in 1 page`,
    );
    expect(harness.simulator.log.pageReads()).toHaveLength(1);
  }, 60_000);
});

describe('examples/pageAccounts.ts when it cannot ask', () => {
  const failure = (...args: string[]) =>
    pageAccounts(...args).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );

  it('names the URL and why it could not connect', async () => {
    const port = await refusedPort();
    const url = `http://127.0.0.1:${port}/graphql`;

    const { code, stderr } = await failure('--url', url, '--customer', '1');
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`${url}: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`);
  }, 60_000);

  it('refuses a page size the gateway would refuse, before asking', async () => {
    const { code, stderr } = await failure('--customer', '1', '--page-size', '101');
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('--page-size must be a whole number from 1 to 100 (got 101)');
  }, 60_000);
});

describe('examples/pageAccounts.ts with a signed-in caller', () => {
  let harness: Harness;
  const token = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));

  beforeAll(async () => {
    harness = await startHarness({ auth: true });
  });
  afterAll(() => harness.close());

  it("sends the caller's token from GATEWAY_TOKEN and lists the caller's own accounts", async () => {
    const jwt = await token({ sub: 'app-user-3', customer_id: FIXTURES.privateCustomer });
    const { stdout } = await pageAccountsWith(
      { GATEWAY_TOKEN: jwt },
      '--url',
      `${harness.url}/graphql`,
      '--customer',
      FIXTURES.privateCustomer,
    );
    expect(stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ accounts in 1 page$/);
    expect(new Set(harness.simulator.log.entries().map((e) => e.query.auditUser))).toEqual(
      new Set(['app-user-3']),
    );
  }, 60_000);

  it("fails with the gateway's FORBIDDEN message for another customer", async () => {
    const jwt = await token({ sub: 'app-user-3', customer_id: FIXTURES.privateCustomer });
    const failure = await pageAccounts(
      '--url',
      `${harness.url}/graphql`,
      '--customer',
      FIXTURES.corporateCustomer,
      '--token',
      jwt,
    ).catch((error: { code: number; stderr: string; stdout: string }) => error);
    expect(failure).toMatchObject({ code: 1, stdout: '' });
    expect((failure as { stderr: string }).stderr).toContain(
      'You are not allowed to read this record.',
    );
  }, 60_000);
});
