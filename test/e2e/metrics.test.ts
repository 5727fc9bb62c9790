import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FIXTURES } from '../../src/simulator/seed.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { scrape } from '../helpers/prometheus.js';
import { signToken } from '../helpers/tokens.js';

const ACCOUNT = 'query OneAccount($id: ID!) { account(id: $id) { id } }';
const ACCOUNTS = 'query SomeAccounts($ids: [ID!]!) { accounts(ids: $ids) { id } }';

describe('/metrics', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ upstreamTimeoutMs: 2000 });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.simulator.reset());

  it('counts a request by operation name and outcome, with its upstream calls', async () => {
    const before = await scrape(harness.url);
    const { errors } = await harness.execute(ACCOUNT, { id: FIXTURES.accountExactAmounts });
    expect(errors).toBeUndefined();
    const after = await scrape(harness.url);

    const delta = (name: string, labels: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    expect(
      delta('gateway_graphql_request_duration_seconds_count', {
        operation: 'OneAccount',
        outcome: 'ok',
      }),
    ).toBe(1);
    expect(
      delta('gateway_upstream_requests_total', { endpoint: '/account/v4/{id}', status: '200' }),
    ).toBe(1);
    expect(
      delta('gateway_upstream_request_duration_seconds_count', {
        endpoint: '/account/v4/{id}',
        status: '200',
      }),
    ).toBe(1);
    expect(delta('gateway_upstream_calls_per_operation_sum', { operation: 'OneAccount' })).toBe(1);
    expect(delta('gateway_upstream_calls_per_operation_count', { operation: 'OneAccount' })).toBe(
      1,
    );
    expect(harness.simulator.log.count('accountV4')).toBe(1);
  });

  it('labels each of the issuer routes by its template, never by an id', async () => {
    const before = await scrape(harness.url);
    const { errors } = await harness.execute(
      `query Page($id: ID!) { customer(id: $id) { displayName accounts(first: 2) { nodes { id } } } }`,
      { id: FIXTURES.customerWith30 },
    );
    expect(errors).toBeUndefined();
    const after = await scrape(harness.url);

    const delta = (endpoint: string) =>
      after.value('gateway_upstream_requests_total', { endpoint, status: '200' }) -
      before.value('gateway_upstream_requests_total', { endpoint, status: '200' });
    expect(delta('/customer/v3/{id}')).toBe(1);
    expect(delta('/account/v4/customer/{id}')).toBe(1);
    expect(after.text).not.toContain(FIXTURES.customerWith30);
  });

  it('records loader batch sizes: three ids, two distinct, one batch of two', async () => {
    const before = await scrape(harness.url);
    const ids = [FIXTURES.accountExactAmounts, FIXTURES.accountNegativeBalance];
    const { errors } = await harness.execute(ACCOUNTS, { ids: [...ids, ids[0]] });
    expect(errors).toBeUndefined();
    const after = await scrape(harness.url);

    const labels = { loader: 'accountDetailsById' };
    expect(
      after.value('gateway_loader_batch_size_count', labels) -
        before.value('gateway_loader_batch_size_count', labels),
    ).toBe(1);
    expect(
      after.value('gateway_loader_batch_size_sum', labels) -
        before.value('gateway_loader_batch_size_sum', labels),
    ).toBe(2);
    expect(
      after.value('gateway_upstream_calls_per_operation_sum', { operation: 'SomeAccounts' }) -
        before.value('gateway_upstream_calls_per_operation_sum', { operation: 'SomeAccounts' }),
    ).toBe(2);
  });

  it('counts values the gateway reads as null because it cannot read them', async () => {
    const id = FIXTURES.accountExactAmounts;
    harness.simulator.faults.add({
      route: 'accountV4',
      times: 1,
      body: `{"id":${id},"customerId":1,"balance":1.00,"paymentReference":{"type":"NONE"},"usageLimits":[{"code":"24H","values":[{"code":"ATM","count":-1},{"code":"POS","count":3000000000}]}]}`,
    });
    const before = await scrape(harness.url);
    const reply = await harness.execute(
      'query Limits($id: ID!) { account(id: $id) { paymentReference { number } usageLimits { values { count } } } }',
      { id },
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data).toEqual({
      account: {
        paymentReference: null,
        usageLimits: [{ values: [{ count: null }, { count: null }] }],
      },
    });
    const after = await scrape(harness.url);

    const delta = (field: string) => {
      const labels = { endpoint: '/account/v4/{id}', field };
      const name = 'gateway_upstream_unreadable_values_total';
      return after.value(name, labels) - before.value(name, labels);
    };
    expect(delta('paymentReference')).toBe(1);
    expect(delta('usageLimits.count')).toBe(2);
    expect(delta('usageLimits')).toBe(0);
  });

  it('does not count odd values in an answer it refuses', async () => {
    harness.simulator.faults.add({
      route: 'accountV4',
      times: 1,
      // Another account than the one asked for: unusable as a whole.
      body: '{"id":1,"customerId":1,"paymentReference":{"type":"NONE"}}',
    });
    const before = await scrape(harness.url);
    const reply = await harness.execute(ACCOUNT, { id: FIXTURES.accountExactAmounts });
    expect(reply.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    const after = await scrape(harness.url);

    const endpoint = '/account/v4/{id}';
    const delta = (name: string, labels: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    expect(delta('gateway_upstream_requests_total', { endpoint, status: 'unusable' })).toBe(1);
    expect(
      delta('gateway_upstream_unreadable_values_total', { endpoint, field: 'paymentReference' }),
    ).toBe(0);
  });

  it('labels upstream failures by status and counts the error code', async () => {
    harness.simulator.faults.add({ route: 'accountV4', status: 500, times: 1 });
    const before = await scrape(harness.url);
    const reply = await harness.execute(ACCOUNT, { id: FIXTURES.accountNegativeBalance });
    expect(reply.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    const after = await scrape(harness.url);

    const labels = { endpoint: '/account/v4/{id}', status: '500' };
    expect(
      after.value('gateway_upstream_requests_total', labels) -
        before.value('gateway_upstream_requests_total', labels),
    ).toBe(1);
    const code = { code: 'UPSTREAM_UNAVAILABLE' };
    expect(
      after.value('gateway_graphql_errors_total', code) -
        before.value('gateway_graphql_errors_total', code),
    ).toBe(1);
    const partial = { operation: 'OneAccount', outcome: 'partial' };
    expect(
      after.value('gateway_graphql_request_duration_seconds_count', partial) -
        before.value('gateway_graphql_request_duration_seconds_count', partial),
    ).toBe(1);
  });

  it.each([
    [418, '4xx'],
    [599, '5xx'],
  ])('labels status %i as %s: statuses nobody names share their class', async (sent, label) => {
    harness.simulator.faults.add({ route: 'accountV4', status: sent, times: 1 });
    const before = await scrape(harness.url);
    await harness.execute(ACCOUNT, { id: FIXTURES.accountNegativeBalance });
    const after = await scrape(harness.url);
    const delta = (status: string) =>
      after.value('gateway_upstream_requests_total', { endpoint: '/account/v4/{id}', status }) -
      before.value('gateway_upstream_requests_total', { endpoint: '/account/v4/{id}', status });
    expect(delta(label)).toBe(1);
    expect(delta(String(sent))).toBe(0);
  });

  it.each([
    ['cannot be used as unusable', { body: '{"foo":1}' }, 'UPSTREAM_ERROR', 'unusable'],
    [
      'did not arrive in time as a timeout',
      { slowBodyBytesPerSecond: 10 },
      'UPSTREAM_TIMEOUT',
      'timeout',
    ],
  ] as const)(
    'labels a 200 whose body %s, not as a success',
    async (_name, fault, code, status) => {
      harness.simulator.faults.add({ route: 'accountV4', ...fault, times: 1 });
      const before = await scrape(harness.url);
      const reply = await harness.execute(ACCOUNT, { id: FIXTURES.accountNegativeBalance });
      expect(reply.errors?.[0]?.extensions?.code).toBe(code);
      const after = await scrape(harness.url);
      const delta = (status: string) => {
        const labels = { endpoint: '/account/v4/{id}', status };
        return (
          after.value('gateway_upstream_requests_total', labels) -
          before.value('gateway_upstream_requests_total', labels)
        );
      };
      expect(delta(status)).toBe(1);
      expect(delta('200') + delta(status === 'timeout' ? 'unusable' : 'timeout')).toBe(0);
    },
  );

  it('a 404 is a status, not a failure, and no id ever becomes a label', async () => {
    const before = await scrape(harness.url);
    const { data } = await harness.execute(ACCOUNT, { id: FIXTURES.unknownAccountId });
    expect(data.account).toBeNull();
    const after = await scrape(harness.url);

    const labels = { endpoint: '/account/v4/{id}', status: '404' };
    expect(
      after.value('gateway_upstream_requests_total', labels) -
        before.value('gateway_upstream_requests_total', labels),
    ).toBe(1);
    expect(after.text).not.toContain(FIXTURES.unknownAccountId);
    expect(after.text).not.toContain(FIXTURES.accountExactAmounts);
  });

  it('gives anonymous and unresolved operations fixed labels', async () => {
    const before = await scrape(harness.url);
    await harness.execute(`{ account(id: "${FIXTURES.accountExactAmounts}") { id } }`);
    const broken = await harness.execute('query Broken { account(id: ');
    expect(broken.status).toBe(400);
    const after = await scrape(harness.url);

    const count = (labels: Record<string, string>) =>
      after.value('gateway_graphql_request_duration_seconds_count', labels) -
      before.value('gateway_graphql_request_duration_seconds_count', labels);
    expect(count({ operation: '(anonymous)', outcome: 'ok' })).toBe(1);
    expect(count({ operation: '(none)', outcome: 'rejected' })).toBe(1);
    expect(after.text).not.toContain('operation="Broken"');
  });

  it('shows requests in flight while the upstream is slow', async () => {
    harness.simulator.setLatency({ fixedMs: 600 });
    const slow = harness.execute(ACCOUNT, { id: FIXTURES.accountExactAmounts });
    await vi.waitFor(() => expect(harness.simulator.stats.inFlight).toBe(1), { timeout: 5000 });
    const during = await scrape(harness.url);
    expect(during.value('gateway_graphql_requests_in_flight')).toBe(1);
    // Its one upstream call holds a bulkhead slot; none waits for one.
    expect(during.value('gateway_upstream_bulkhead_active')).toBe(1);
    expect(during.value('gateway_upstream_bulkhead_queued')).toBe(0);
    await slow;
    const after = await scrape(harness.url);
    expect(after.value('gateway_graphql_requests_in_flight')).toBe(0);
  });

  it('cuts off the upstream call of a caller that hung up, and counts the request as abandoned', async () => {
    const before = await scrape(harness.url);
    harness.simulator.setLatency({ fixedMs: 2000 });
    const caller = new AbortController();
    const hungUp = request(`${harness.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: ACCOUNT, variables: { id: FIXTURES.accountExactAmounts } }),
      signal: caller.signal,
    }).catch((error: Error) => error);
    // Hangs up once its call has reached the issuer.
    await vi.waitFor(() => expect(harness.simulator.stats.inFlight).toBe(1), { timeout: 1500 });
    caller.abort();
    expect(await hungUp).toBeInstanceOf(Error);
    const hungUpAt = performance.now();

    const labels = { operation: 'OneAccount', outcome: 'abandoned' };
    const count = 'gateway_graphql_request_duration_seconds_count';
    const cancelled = { endpoint: '/account/v4/{id}', status: 'cancelled' };
    await vi.waitFor(async () => {
      const after = await scrape(harness.url);
      expect(after.value(count, labels) - before.value(count, labels)).toBe(1);
      expect(after.value('gateway_graphql_requests_in_flight')).toBe(0);
      expect(after.value('gateway_upstream_bulkhead_active')).toBe(0);
      expect(
        after.value('gateway_upstream_requests_total', cancelled) -
          before.value('gateway_upstream_requests_total', cancelled),
      ).toBe(1);
    }, 1400);
    // Long before the issuer would have answered.
    expect(performance.now() - hungUpAt).toBeLessThan(1500);
    expect(harness.simulator.log.count('accountV4')).toBe(1);
  });

  it('publishes the circuit state and the bulkhead', async () => {
    const metrics = await scrape(harness.url);
    expect(metrics.value('gateway_upstream_circuit_state', { state: 'closed' })).toBe(1);
    expect(metrics.value('gateway_upstream_circuit_state', { state: 'open' })).toBe(0);
    // Present, not merely read as 0 for want of a sample.
    const published = new Set(metrics.samples.map((sample) => sample.name));
    expect(published).toContain('gateway_upstream_bulkhead_queued');
    expect(published).toContain('gateway_upstream_bulkhead_active');
    expect(metrics.value('gateway_upstream_bulkhead_queued')).toBe(0);
    expect(metrics.value('gateway_upstream_bulkhead_active')).toBe(0);
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
    expect(metrics.text).toContain('nodejs_eventloop_lag_seconds');
  });
});

describe('/metrics with METRICS_OPERATION_NAMES', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ env: { METRICS_OPERATION_NAMES: 'OneAccount, SomeAccounts' } });
  });
  afterAll(() => harness.close());

  it('labels only the listed names: invented ones share (other) from the first', async () => {
    const id = FIXTURES.accountExactAmounts;
    for (let i = 0; i < 3; i++) await harness.execute(`query Junk${i} { __typename }`);
    await harness.execute(ACCOUNT, { id });
    const after = await scrape(harness.url);
    const count = (operation: string) =>
      after.value('gateway_graphql_request_duration_seconds_count', { operation, outcome: 'ok' });
    expect(count('(other)')).toBe(3);
    expect(count('OneAccount')).toBe(1);
    expect(after.text).not.toMatch(/operation="Junk/);
  });
});

describe('/metrics with authentication', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ auth: true });
  });
  afterAll(() => harness.close());

  it('counts a request refused for want of a token as rejected UNAUTHENTICATED', async () => {
    const before = await scrape(harness.url);
    const refused = await harness.execute(ACCOUNT, { id: FIXTURES.accountExactAmounts });
    expect(refused.status).toBe(401);
    const token = await signToken({ scope: 'accounts:read:any' });
    const allowed = await harness.execute(
      ACCOUNT,
      { id: FIXTURES.accountExactAmounts },
      { authorization: `Bearer ${token}` },
    );
    expect(allowed.errors).toBeUndefined();
    const after = await scrape(harness.url);

    const count = (labels: Record<string, string>) =>
      after.value('gateway_graphql_request_duration_seconds_count', labels) -
      before.value('gateway_graphql_request_duration_seconds_count', labels);
    expect(count({ operation: '(none)', outcome: 'rejected' })).toBe(1);
    expect(count({ operation: 'OneAccount', outcome: 'ok' })).toBe(1);
    const code = { code: 'UNAUTHENTICATED' };
    expect(
      after.value('gateway_graphql_errors_total', code) -
        before.value('gateway_graphql_errors_total', code),
    ).toBe(1);
    expect(after.text).not.toContain(token);
  });

  it('does not count preflights, health checks or the landing page as GraphQL requests', async () => {
    const before = await scrape(harness.url);
    await request(`${harness.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    }).then((r) => r.body.dump());
    await request(`${harness.url}/health/ready`).then((r) => r.body.dump());
    const page = await request(`${harness.url}/graphql`, {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(page.statusCode).toBe(200);
    expect(await page.body.text()).toContain('<html');
    const after = await scrape(harness.url);
    const total = (s: Awaited<ReturnType<typeof scrape>>) =>
      s.samples
        .filter((x) => x.name === 'gateway_graphql_request_duration_seconds_count')
        .reduce((sum, x) => sum + x.value, 0);
    expect(total(after)).toBe(total(before));
  });
});
