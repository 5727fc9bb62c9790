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
    [interpreted, compiled] = await Promise.all([
      startHarness({ env: { GRAPHQL_JIT: 'false' } }),
      startHarness({ env: { GRAPHQL_JIT: 'true' } }),
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
  });
});
