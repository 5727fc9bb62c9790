import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { FIXTURES } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const ACCOUNT = `query Account($id: ID!) { account(id: $id) { id balance { amount } } }`;
const TRACE = { 'apollo-federation-include-trace': 'ftv1' };

/** The protobuf trace as text: field names and error messages are stored as plain UTF-8. */
const traceText = (ftv1: unknown) => Buffer.from(String(ftv1), 'base64').toString('latin1');

describe('FEDERATED_TRACING', () => {
  let plain: Harness;
  let tracing: Harness;
  beforeAll(async () => {
    [plain, tracing] = await Promise.all([
      startHarness(),
      startHarness({ env: { FEDERATED_TRACING: 'true', ENFUCE_RETRIES: '0' } }),
    ]);
  });
  afterAll(() => Promise.all([plain.close(), tracing.close()]));

  it('is off unless set, and refuses anything but true or false', () => {
    expect(loadConfig({}).federatedTracing).toBe(false);
    expect(loadConfig({ FEDERATED_TRACING: 'true' }).federatedTracing).toBe(true);
    expect(() => loadConfig({ FEDERATED_TRACING: 'on' })).toThrow(ConfigError);
  });

  it('sends no trace by default, even to a router that asks', async () => {
    const reply = await plain.execute(ACCOUNT, { id: FIXTURES.accountExactAmounts }, TRACE);
    expect(reply.errors).toBeUndefined();
    expect(JSON.parse(reply.text)).not.toHaveProperty('extensions');
  });

  it('sends a trace with every resolved field when asked, and only then', async () => {
    const variables = { id: FIXTURES.accountExactAmounts };
    const traced = await tracing.execute(ACCOUNT, variables, TRACE);
    expect(traced.data).toEqual({
      account: { id: FIXTURES.accountExactAmounts, balance: { amount: '1234.50' } },
    });
    const ftv1 = (JSON.parse(traced.text) as { extensions?: { ftv1?: unknown } }).extensions?.ftv1;
    expect(ftv1).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(traceText(ftv1)).toContain('balance');

    // Without the header the answer is the one a gateway without tracing gives.
    const untraced = await tracing.execute(ACCOUNT, variables);
    expect(untraced.text).toBe((await plain.execute(ACCOUNT, variables)).text);
  });

  it('masks error messages in the trace', async () => {
    tracing.simulator.faults.add({ route: 'account', status: 500, times: 1 });
    const reply = await tracing.execute(ACCOUNT, { id: FIXTURES.accountExactAmounts }, TRACE);
    expect(reply.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    const text = traceText(
      (JSON.parse(reply.text) as { extensions: { ftv1: string } }).extensions.ftv1,
    );
    expect(text).toContain('<masked>');
    expect(text).not.toContain(reply.errors![0]!.message);
  });
});

describe('FEDERATED_TRACING with GRAPHQL_JIT', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { FEDERATED_TRACING: 'true', GRAPHQL_JIT: 'true' } });
  });
  afterAll(() => harness.close());

  it('traces every field of a query compiled before the first traced request', async () => {
    const variables = { id: FIXTURES.accountExactAmounts };
    // Compiled now, while the schema's resolvers are still unwrapped.
    expect((await harness.execute(ACCOUNT, variables)).errors).toBeUndefined();
    const traced = await harness.execute(ACCOUNT, variables, TRACE);
    const ftv1 = (JSON.parse(traced.text) as { extensions?: { ftv1?: unknown } }).extensions?.ftv1;
    expect(traceText(ftv1)).toContain('balance');
    expect(traceText(ftv1)).toContain('amount');
  });
});
