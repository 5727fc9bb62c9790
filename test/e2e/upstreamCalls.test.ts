/**
 * `extensions.upstream.calls`: outside production every executed operation
 * says what it cost the issuer, retries included; production leaves it out.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const PAGE = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      accounts(first: 30) {
        nodes {
          id
          parent {
            number
          }
        }
      }
    }
  }
`;
const ACCOUNT = `query ($id: ID!) { account(id: $id) { id number } }`;

describe('the upstream call count in the answer', () => {
  let harness: Harness;
  let production: Harness;
  beforeAll(async () => {
    [harness, production] = await Promise.all([
      startHarness({ env: { ENFUCE_RETRY_BACKOFF_MS: '1' } }),
      startHarness({ env: { NODE_ENV: 'production' } }),
    ]);
  });
  afterAll(() => Promise.all([harness.close(), production.close()]));
  afterEach(() => harness.simulator.reset());

  it('counts every call the issuer saw', async () => {
    const reply = await harness.execute(PAGE, { id: FIXTURES.customerWith75 });
    expect(reply.errors).toBeUndefined();
    const calls = harness.simulator.log.count();
    expect(calls).toBeGreaterThan(1);
    expect(reply.extensions).toEqual({ upstream: { calls } });
  });

  it('counts retries, and a field that failed', async () => {
    harness.simulator.faults.add({ route: 'accountV4', status: 503 });
    const reply = await harness.execute(ACCOUNT, { id: FIXTURES.accountExactAmounts });
    expect(reply.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(reply.extensions).toEqual({ upstream: { calls: 3 } });
  });

  it('says 0 for what needs no call', async () => {
    const reply = await harness.execute(`{ customer(id: "42") { id } __typename }`);
    expect(reply.extensions).toEqual({ upstream: { calls: 0 } });
    expect(harness.simulator.log.count()).toBe(0);
  });

  it('is left out of a request refused before it ran', async () => {
    const reply = await harness.execute(`{ account(id: "1") { nope } }`);
    expect(reply.status).toBe(400);
    expect(reply.text).not.toContain('"upstream"');
  });

  it('is left out in production', async () => {
    const reply = await production.execute(ACCOUNT, { id: FIXTURES.accountExactAmounts });
    expect(reply.data).toEqual({
      account: { id: FIXTURES.accountExactAmounts, number: expect.any(String) },
    });
    expect(reply.text).not.toContain('"extensions"');
    expect(production.simulator.log.count()).toBe(1);
  });
});
