import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIXTURES } from '../../src/simulator/index.js';
import { parseSamples } from '../helpers/prometheus.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawnGateway.js';

describe('WEB_CONCURRENCY=2 (node:cluster)', () => {
  let gateway: SpawnedGateway | undefined;
  afterEach(() => gateway?.close());

  it('runs one simulator for both workers, and /metrics counts every worker', async () => {
    gateway = await spawnGateway({ WEB_CONCURRENCY: '2' });
    // Both workers up: each logs its own "gateway listening" line.
    await vi.waitFor(
      () =>
        expect(
          gateway!.output().match(/"msg":"gateway listening"/g),
          `Workers did not start:\n${gateway!.output()}`,
        ).toHaveLength(2),
      { timeout: 20_000, interval: 50 },
    );
    expect(gateway.output().match(/built-in Enfuce simulator listening/g)).toHaveLength(1);

    for (let i = 0; i < 8; i++) {
      // A fresh connection each time, so the primary spreads them over the workers.
      const reply = await gateway.post(
        {
          query: 'query Clustered($id: ID!) { account(id: $id) { id } }',
          variables: { id: FIXTURES.accountExactAmounts },
        },
        { connection: 'close' },
      );
      expect(reply.json.data.account.id).toBe(FIXTURES.accountExactAmounts);
    }
    const workers = new Set(
      [...gateway.output().matchAll(/"worker":(\d+)[^\n]*"msg":"graphql request"/g)].map(
        (m) => m[1],
      ),
    );
    expect(workers.size).toBe(2);

    const scrape = await request(`${gateway.url}/metrics`);
    const samples = parseSamples(await scrape.body.text());
    const count = samples.find(
      (s) =>
        s.name === 'gateway_graphql_request_duration_seconds_count' &&
        s.labels.operation === 'Clustered',
    );
    expect(count?.value).toBe(8);
  });
});
