/**
 * `npm run supergraph`: the SDL it prints is the one the gateway serves, the
 * rover and router configs say what they should, the supergraph it writes is
 * one a JavaScript router can serve, and the committed copies are current.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { parse } from 'graphql';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../src/config.js';
import { FIXTURES } from '../../src/simulator/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const run = promisify(execFile);
const FILES = [
  'enfuce.graphql',
  'supergraph.yaml',
  'supergraph.graphql',
  'router.yaml',
  'gateway.config.ts',
];

async function supergraphScript(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'scripts/supergraph.ts', ...args], {
    cwd: new URL('../../', import.meta.url),
  });
}

describe('npm run supergraph', () => {
  let harness: Harness;
  let out: string;
  let stdout: string;
  const read = (file: string) => readFile(join(out, file), 'utf8');

  beforeAll(async () => {
    harness = await startHarness();
    out = await mkdtemp(join(tmpdir(), 'supergraph-'));
    ({ stdout } = await supergraphScript('--out', out, '--routing-url', `${harness.url}/graphql`));
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await rm(out, { recursive: true, force: true });
  });

  it('prints the SDL the gateway answers to _service, and writes it beside the configs', async () => {
    const served = (await harness.execute('{ _service { sdl } }')).data._service.sdl as string;
    // `_service` prints the federation plumbing too; both must compose to the same supergraph.
    const compose = (sdl: string) =>
      composeServices([{ name: 'enfuce', typeDefs: parse(sdl), url: `${harness.url}/graphql` }])
        .supergraphSdl;
    expect(compose(stdout)).toBeDefined();
    expect(compose(stdout)).toBe(compose(served));
    expect(stdout).toMatch(/^type Account @key\(fields: "id"\) \{$/m);
    expect(await read('enfuce.graphql')).toBe(stdout);
  });

  it('composes with another subgraph that has a PageInfo and a Money of its own', async () => {
    const cards = parse(/* GraphQL */ `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@shareable"])
      scalar Decimal
      type Query {
        cards(first: Int): CardConnection!
      }
      type CardConnection {
        nodes: [Card!]!
        pageInfo: PageInfo!
      }
      type Card {
        id: ID!
        limit: Money
      }
      type PageInfo @shareable {
        hasNextPage: Boolean!
        hasPreviousPage: Boolean!
        startCursor: String
        endCursor: String
      }
      type Money @shareable {
        amount: Decimal!
        currency: String!
      }
    `);
    const { errors } = composeServices([
      { name: 'enfuce', typeDefs: parse(stdout), url: `${harness.url}/graphql` },
      { name: 'cards', typeDefs: cards, url: 'http://cards.invalid/graphql' },
    ]);
    expect(errors?.map((error) => error.message)).toBeUndefined();
  });

  it('writes a rover config that points at the gateway and the SDL file', async () => {
    const config = parseYaml(await read('supergraph.yaml'));
    expect(config.federation_version).toMatch(/^=2\.\d+\.\d+$/);
    expect(config.subgraphs).toEqual({
      enfuce: { routing_url: `${harness.url}/graphql`, schema: { file: './enfuce.graphql' } },
    });
  });

  it("writes router configs that forward the caller's token, request id and trace", async () => {
    const router = parseYaml(await read('router.yaml'));
    expect(router.headers.subgraphs.enfuce.request).toEqual([
      { propagate: { named: 'authorization' } },
      { propagate: { named: 'x-request-id' } },
    ]);
    expect(router.telemetry.exporters.tracing.propagation).toEqual({ trace_context: true });
    // Apollo Router redacts subgraph errors, extensions.code included, unless told.
    expect(router.include_subgraph_errors).toEqual({ subgraphs: { enfuce: true } });
    // The gateway's own deadline ends first, so its partial answer reaches the client.
    const seconds = (value: string) => Number(/^(\d+)s$/.exec(value)![1]) * 1000;
    const { router: whole, all: fetch } = router.traffic_shaping;
    expect(seconds(fetch.timeout)).toBeGreaterThan(DEFAULT_REQUEST_TIMEOUT_MS);
    expect(seconds(whole.timeout)).toBeGreaterThan(seconds(fetch.timeout));
    const hive = await read('gateway.config.ts');
    expect(hive).toContain("supergraph: './supergraph.graphql'");
    for (const header of ['authorization', 'x-request-id', 'traceparent', 'tracestate']) {
      expect(hive).toMatch(new RegExp(`'?${header}'?: request.headers.get\\('${header}'\\)`));
    }
  });

  it('writes a supergraph that @apollo/gateway serves against this gateway', async () => {
    const supergraphSdl = await read('supergraph.graphql');
    expect(supergraphSdl).toContain(`url: "${harness.url}/graphql"`);
    const router = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
    const { url } = await startStandaloneServer(router, {
      listen: { port: 0, host: '127.0.0.1' },
    });
    try {
      harness.simulator.log.clear();
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `{ account(id: "${FIXTURES.accountExactAmounts}") { id balance { amount } } }`,
        }),
      });
      expect(await response.body.json()).toEqual({
        data: { account: { id: FIXTURES.accountExactAmounts, balance: { amount: '1234.50' } } },
      });
      expect(harness.simulator.log.accountReads()).toEqual([FIXTURES.accountExactAmounts]);
    } finally {
      await router.stop();
    }
  });

  it('has committed copies in deploy/supergraph that match the schema (else run `npm run supergraph`)', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'supergraph-defaults-'));
    try {
      await supergraphScript('--out', fresh);
      for (const file of FILES) {
        const committed = await readFile(
          new URL(`../../deploy/supergraph/${file}`, import.meta.url),
          'utf8',
        );
        expect(committed, `deploy/supergraph/${file} is stale`).toBe(
          await readFile(join(fresh, file), 'utf8'),
        );
      }
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses a routing URL that is not http(s), with one line and exit code 1', async () => {
    const failure = await supergraphScript('--out', out, '--routing-url', 'ftp://x').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(
      'npm run supergraph: --routing-url must be an absolute http(s) URL (got "ftp://x").',
    );
  });
});
