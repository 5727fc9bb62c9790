import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FIXTURES, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { TEST_JWT_SECRET } from '../helpers/harness.js';
import { refusedPort } from '../helpers/refusedPort.js';
import { parseSamples } from '../helpers/prometheus.js';
import {
  spawnGateway,
  spawnGatewayUntilExit,
  type SpawnedGateway,
} from '../helpers/spawnGateway.js';
import { anyCustomerToken, bearer } from '../helpers/tokens.js';

const ACCOUNT = 'query OneAccount($id: ID!) { account(id: $id) { id } }';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Whether `pid` still runs. Killed, a worker whose primary has exited is
 * reaped by whatever adopts it, perhaps never (a container's PID 1): a
 * zombie has ended all the same.
 */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe("under another cluster primary (a process manager's, such as pm2's)", () => {
  it('runs as a gateway on its own, its own simulator included, instead of waiting on that primary', async () => {
    // A bare node:cluster primary that forks the gateway's entry and answers nothing.
    const primary = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import cluster from 'node:cluster';
         cluster.setupPrimary({ exec: 'src/index.ts', execArgv: ['--import', 'tsx'] });
         cluster.fork();`,
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOST: '127.0.0.1',
          PORT: '0',
          LOG_LEVEL: 'info',
          WEB_CONCURRENCY: '2',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    primary.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    primary.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    try {
      const url = await vi.waitFor(
        () => {
          const match = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(output);
          expect(match, output).not.toBeNull();
          return match![1]!;
        },
        { timeout: 20_000, interval: 50 },
      );
      expect(output).toContain('built-in Enfuce simulator listening');
      // What it cannot do there, said: fork workers of its own, share a cursor key.
      expect(output).toContain(
        'WEB_CONCURRENCY is ignored: this process is a worker of another cluster primary',
      );
      expect(output).toContain('CURSOR_SECRET is unset under another cluster primary');
      const reply = await request(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: ACCOUNT, variables: { id: FIXTURES.accountExactAmounts } }),
      });
      expect(await reply.body.json()).toMatchObject({
        data: { account: { id: FIXTURES.accountExactAmounts } },
      });
    } finally {
      primary.kill('SIGKILL');
    }
  }, 30_000);
});

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

    // A worker that served some of them dies: the host's count does not go
    // down (Prometheus would read a reset), its replacement starts at zero.
    const served = /"pid":(\d+)[^\n]*"msg":"graphql request"/.exec(gateway.output())![1];
    process.kill(Number(served), 'SIGKILL');
    await vi.waitFor(
      () => expect(gateway!.output().match(/"msg":"gateway listening"/g)).toHaveLength(3),
      { timeout: 20_000, interval: 50 },
    );
    const after = parseSamples(await (await request(`${gateway.url}/metrics`)).body.text());
    const countAfter = after.find(
      (s) =>
        s.name === 'gateway_graphql_request_duration_seconds_count' &&
        s.labels.operation === 'Clustered',
    );
    expect(countAfter?.value).toBe(8);
  }, 40_000);
});

describe('WEB_CONCURRENCY=2 over an issuer of its own', () => {
  let simulator: Simulator;
  let gateway: SpawnedGateway | undefined;
  beforeAll(async () => {
    simulator = await startSimulator();
  });
  afterAll(() => simulator.close());
  afterEach(async () => {
    gateway?.kill('SIGKILL');
    await gateway?.exited;
    gateway = undefined;
    simulator.reset();
  });

  const clusterOver = (env: Record<string, string> = {}) =>
    spawnGateway({
      WEB_CONCURRENCY: '2',
      ENFUCE_BASE_URL: simulator.url,
      ENFUCE_USERNAME: simulator.username,
      ENFUCE_PASSWORD: simulator.password,
      AUTH_DISABLED: 'true',
      ...env,
    });
  const listening = (output: string) => output.match(/"msg":"gateway listening"/g)?.length ?? 0;

  it('stops with 1 when its workers cannot start, instead of restarting them', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const exited = await spawnGatewayUntilExit({ WEB_CONCURRENCY: '2', PORT: String(port) });
      expect(exited.code).toBe(1);
      // One line, as a single process writes, not one per worker.
      expect(exited.stderr.match(/^Configuration error: .*$/gm)).toEqual([
        `Configuration error: PORT ${port} is already in use`,
      ]);
      expect(exited.stdout).toContain('a worker failed to start; stopping');
      expect(exited.stdout).not.toContain('worker died; starting another');
    } finally {
      taken.close();
    }
  });

  it('stops with 1 when workers keep dying, instead of restarting them forever', async () => {
    gateway = await clusterOver();
    const killed = new Set<number>();
    let exitCode: number | null | undefined;
    void gateway.exited.then((code) => (exitCode = code));
    // Kill every worker once it listens, replacements included, until the primary gives up.
    await vi.waitFor(
      () => {
        for (const [, pid] of gateway!.output().matchAll(/"pid":(\d+)[^\n]*"gateway listening"/g)) {
          if (killed.has(Number(pid))) continue;
          killed.add(Number(pid));
          process.kill(Number(pid), 'SIGKILL');
        }
        expect(exitCode).toBeDefined();
      },
      { timeout: 40_000, interval: 100 },
    );
    expect(exitCode).toBe(1);
    // A replacement may still start, and be killed, while the primary stops.
    expect(killed.size).toBeGreaterThanOrEqual(5);
    expect(gateway.output().match(/worker died; starting another/g)).toHaveLength(4);
    expect(gateway.output()).toContain('workers keep dying; stopping');
  }, 60_000);

  it("takes one worker's cursors on the other, without CURSOR_SECRET", async () => {
    gateway = await clusterOver();
    await vi.waitFor(() => expect(listening(gateway!.output())).toBe(2), { timeout: 20_000 });
    const PAGE = `query ($after: String) {
      customer(id: "${FIXTURES.customerWith75}") {
        accounts(first: 10, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } }
      }
    }`;
    const seen: string[] = [];
    const pids = new Set<string>();
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      // A new connection each page: the workers take them in turn.
      const reply = await gateway.post(
        { query: PAGE, variables: { after } },
        { connection: 'close' },
      );
      expect(reply.json.errors).toBeUndefined();
      const { nodes, pageInfo } = reply.json.data.customer.accounts;
      seen.push(...nodes.map((node: { id: string }) => node.id));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(simulator.data.accountsOf(FIXTURES.customerWith75).map((a) => a.id));
    for (const [, pid] of gateway.output().matchAll(/"pid":(\d+)[^\n]*"msg":"graphql request"/g)) {
      pids.add(pid!);
    }
    expect(pids.size).toBe(2);
  });

  it('kills a worker whose event loop stops answering, and starts another', async () => {
    gateway = await clusterOver();
    await vi.waitFor(() => expect(listening(gateway!.output())).toBe(2), { timeout: 20_000 });
    const [, stuck] = [
      ...gateway.output().matchAll(/"pid":(\d+)[^\n]*"msg":"gateway listening"/g),
    ].map((m) => Number(m[1]));
    // Stopped, it neither exits nor answers: as a worker in an endless loop.
    process.kill(stuck!, 'SIGSTOP');
    await vi.waitFor(
      () => expect(gateway!.output()).toContain('worker stopped answering; killing it'),
      { timeout: 30_000, interval: 200 },
    );
    await vi.waitFor(() => expect(listening(gateway!.output())).toBe(3), { timeout: 20_000 });
    expect(() => process.kill(stuck!, 0)).toThrow();
    const reply = await gateway.post(
      { query: ACCOUNT, variables: { id: FIXTURES.accountExactAmounts } },
      { connection: 'close' },
    );
    expect(reply.json.data.account.id).toBe(FIXTURES.accountExactAmounts);
  }, 60_000);

  it('kills a worker still running at the end of the grace period before it exits', async () => {
    gateway = await clusterOver({ SHUTDOWN_GRACE_MS: '1000' });
    await vi.waitFor(() => expect(listening(gateway!.output())).toBe(2), { timeout: 20_000 });
    const [, stuck] = [
      ...gateway.output().matchAll(/"pid":(\d+)[^\n]*"msg":"gateway listening"/g),
    ].map((m) => Number(m[1]));
    // Stopped, it reads neither SIGTERM nor the channel's close.
    process.kill(stuck!, 'SIGSTOP');
    try {
      gateway.kill('SIGTERM');
      expect(await gateway.exited).toBe(1);
      expect(gateway.output()).toContain('workers still running after the grace period');
      await vi.waitFor(() => expect(running(stuck!)).toBe(false), { timeout: 5000 });
    } finally {
      // Not left behind, stopped, when the test fails.
      try {
        process.kill(stuck!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }, 30_000);

  it('exits 1 when a worker had to cut requests off at SHUTDOWN_GRACE_MS', async () => {
    // The cut-off comes 500 ms before the worker's own hard exit: room for a
    // loaded machine to cut and log before it (at 1000 ms there were 250).
    gateway = await clusterOver({ SHUTDOWN_GRACE_MS: '2000', ENFUCE_TIMEOUT_MS: '60000' });
    await vi.waitFor(() => expect(listening(gateway!.output())).toBe(2), { timeout: 20_000 });
    simulator.faults.add({ id: FIXTURES.accountNegativeBalance, latencyMs: 20_000 });
    const slow = gateway
      .post({ query: ACCOUNT, variables: { id: FIXTURES.accountNegativeBalance } })
      .catch((error: Error) => error);
    await expect.poll(() => simulator.stats.inFlight).toBe(1);

    gateway.kill('SIGTERM');
    expect(await gateway.exited).toBe(1);
    expect(await slow).toBeInstanceOf(Error);
    expect(gateway.output()).toContain(
      'requests still open at the end of the grace period were cut off',
    );
  });

  /** Both workers' pids, and scrapes sent while `slow` cannot answer the primary. */
  async function scrapesWaitingOn(gateway: SpawnedGateway) {
    await vi.waitFor(() => expect(listening(gateway.output())).toBe(2), { timeout: 20_000 });
    const [asking, slow] = [
      ...gateway.output().matchAll(/"pid":(\d+)[^\n]*"msg":"gateway listening"/g),
    ].map((m) => Number(m[1]));
    // One worker cannot answer the primary's metrics question; scrapes on
    // new connections reach both workers, so those on the other wait on it.
    process.kill(slow!, 'SIGSTOP');
    const sentAt = performance.now();
    const scrapes = [0, 1, 2, 3].map(() =>
      // A connection handed to a worker that dies unstarted is never answered.
      request(`${gateway.url}/metrics`, { headers: { connection: 'close' }, headersTimeout: 8000 })
        .then(async (reply) => ({
          status: reply.statusCode,
          text: await reply.body.text(),
          afterMs: performance.now() - sentAt,
        }))
        .catch((error: Error) => error),
    );
    // Long enough for the questions to reach the primary, well within its 4 s wait.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return { asking: asking!, slow: slow!, scrapes, sentAt };
  }

  it('answers a scrape when a worker stalls past the wait, counting it by its last answer', async () => {
    gateway = await clusterOver();
    await vi.waitFor(() => expect(listening(gateway!.output())).toBe(2), { timeout: 20_000 });
    for (let i = 0; i < 4; i++) {
      const reply = await gateway.post(
        { query: ACCOUNT, variables: { id: FIXTURES.accountExactAmounts } },
        { connection: 'close' },
      );
      expect(reply.status).toBe(200);
    }
    // Both workers answer once, so each has a last answer.
    expect((await request(`${gateway.url}/metrics`)).statusCode).toBe(200);

    const { slow, scrapes } = await scrapesWaitingOn(gateway);
    // The stalled worker served some of them: its counts are in the total.
    expect(gateway.output()).toMatch(new RegExp(`"pid":${slow},[^\\n]*"msg":"graphql request"`));
    let answered;
    try {
      answered = (await Promise.all(scrapes)).filter(
        (s): s is Exclude<typeof s, Error> => !(s instanceof Error),
      );
    } finally {
      process.kill(slow, 'SIGCONT');
    }
    // Those the live worker took, answered after the primary's 4 s wait with
    // every request served, the stalled worker's included.
    expect(answered.length).toBeGreaterThan(0);
    for (const scrape of answered) {
      expect(scrape.status).toBe(200);
      expect(scrape.afterMs).toBeGreaterThanOrEqual(4000);
      const count = parseSamples(scrape.text).find(
        (s) =>
          s.name === 'gateway_graphql_request_duration_seconds_count' &&
          s.labels.operation === 'OneAccount',
      );
      expect(count?.value).toBe(4);
    }
    // Scrapes waiting together shared one round of questions: one wait ran out.
    expect(gateway.output().match(/counting a worker by its last metrics/g)).toHaveLength(1);
  }, 40_000);

  it('keeps running when a worker dies while its scrape waits for the other worker', async () => {
    gateway = await clusterOver();
    let primaryExit: number | null | undefined;
    void gateway.exited.then((code) => (primaryExit = code));
    const { asking, slow, scrapes } = await scrapesWaitingOn(gateway);
    try {
      process.kill(asking, 'SIGKILL');
      await expect.poll(() => gateway!.output()).toContain('worker died; starting another');
    } finally {
      process.kill(slow, 'SIGCONT');
    }

    // The primary answers the dead worker's scrape once the other worker
    // has answered: that answer has nowhere to go.
    const answered = (await Promise.all(scrapes)).filter((s) => !(s instanceof Error));
    expect(answered.length).toBeGreaterThan(0);
    for (const scrape of answered) expect(scrape).toMatchObject({ status: 200 });
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(primaryExit).toBeUndefined();
    expect(gateway.output()).not.toContain('ERR_IPC_CHANNEL_CLOSED');
    await vi.waitFor(() => expect(listening(gateway!.output())).toBe(3), { timeout: 20_000 });
    const after = await request(`${gateway.url}/metrics`);
    expect(after.statusCode).toBe(200);
    await after.body.dump();
  }, 40_000);

  it('answers a scrape when the worker it waits for dies, without waiting out the timeout', async () => {
    gateway = await clusterOver();
    const { slow, scrapes, sentAt } = await scrapesWaitingOn(gateway);
    process.kill(slow, 'SIGKILL');
    const killedAfterMs = performance.now() - sentAt;
    const answered = (await Promise.all(scrapes)).filter(
      (s): s is Exclude<typeof s, Error> => !(s instanceof Error),
    );
    // Those that reached the live worker; the dead one's connections were reset.
    expect(answered.length).toBeGreaterThan(0);
    for (const scrape of answered) {
      expect(scrape.status).toBe(200);
      // The primary's own wait for an answer is 4 s from the question.
      expect(scrape.afterMs - killedAfterMs).toBeLessThan(2000);
    }
  }, 40_000);

  it('answers /metrics at once while a worker restarts, with the live workers’ counts', async () => {
    gateway = await clusterOver();
    await vi.waitFor(() => expect(listening(gateway!.output())).toBe(2), { timeout: 20_000 });
    const reply = await gateway.post({
      query: ACCOUNT,
      variables: { id: FIXTURES.accountExactAmounts },
    });
    expect(reply.status).toBe(200);
    // The worker that answered, by the pid on its request line.
    await expect.poll(() => gateway!.output()).toContain('"msg":"graphql request"');
    const pid = Number(/"pid":(\d+)[^\n]*"msg":"graphql request"/.exec(gateway.output())![1]);
    const others = new Set(
      [...gateway.output().matchAll(/"pid":(\d+)[^\n]*"msg":"gateway listening"/g)].map((m) =>
        Number(m[1]),
      ),
    );
    others.delete(pid);
    // Kill the other one: its replacement is still starting when the scrape comes.
    process.kill([...others][0]!, 'SIGKILL');
    await expect.poll(() => gateway!.output()).toContain('worker died; starting another');

    const startedAt = performance.now();
    const scrape = await request(`${gateway.url}/metrics`);
    const text = await scrape.body.text();
    expect(scrape.statusCode).toBe(200);
    expect(performance.now() - startedAt).toBeLessThan(2000);
    const count = parseSamples(text).find(
      (s) =>
        s.name === 'gateway_graphql_request_duration_seconds_count' &&
        s.labels.operation === 'OneAccount',
    );
    expect(count?.value).toBe(1);
    expect(listening(gateway.output())).toBe(2);
  });

  describe('per-caller limits', () => {
    const CUSTOMER = 'query One($id: ID!) { customer(id: $id) { displayName } }';

    /** Two workers whose callers may each run one request at once. */
    async function clusterWithLimits(env: Record<string, string> = {}) {
      gateway = await clusterOver({
        // Callers with tokens: only they have a share.
        AUTH_DISABLED: 'false',
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        CALLER_MAX_IN_FLIGHT: '1',
        // The primary hands connections to the workers in turn (Linux's default).
        NODE_CLUSTER_SCHED_POLICY: 'rr',
        ...env,
      });
      await vi.waitFor(() => expect(listening(gateway!.output())).toBe(2), { timeout: 20_000 });
      const alice = bearer(await anyCustomerToken({ sub: 'alice' }));
      // A fresh connection each time, so the primary spreads them over the workers.
      const ask = () =>
        gateway!.post(
          { query: CUSTOMER, variables: { id: FIXTURES.privateCustomer } },
          { ...alice, connection: 'close' },
        );
      return { gateway, ask };
    }

    const logLines = (output: string) =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);

    it("counts a caller's requests on every worker against one share", async () => {
      const { gateway, ask } = await clusterWithLimits();
      // Held while four requests, each with its token checked and its share
      // asked of the primary, are refused, on a machine that may be loaded.
      simulator.faults.add({ route: 'customer', latencyMs: 5000 });
      const held = ask();
      await vi.waitFor(() => expect(simulator.stats.inFlight).toBe(1), { timeout: 5000 });

      for (let i = 0; i < 4; i++) {
        const refused = await ask();
        expect(refused.status).toBe(429);
        expect(refused.json.errors).toMatchObject([{ extensions: { code: 'RATE_LIMITED' } }]);
      }
      // Refused by both workers, not only by the one running alice's request.
      await vi.waitFor(() => {
        const refusedBy = logLines(gateway.output())
          .filter((line) => line['msg'] === 'graphql request' && line['status'] === 429)
          .map((line) => line['worker']);
        expect(refusedBy).toHaveLength(4);
        expect(new Set(refusedBy).size).toBe(2);
      }, 5000);
      expect(simulator.log.count()).toBe(1);

      expect((await held).status).toBe(200);
      // Answered: the place is free on whichever worker asks.
      expect((await ask()).status).toBe(200);
      expect((await ask()).status).toBe(200);
    }, 40_000);

    it('gives back the places of workers that die with requests running', async () => {
      // A port of its own, one no other test's server is handed: workers
      // started after all others died listen anew.
      const port = await refusedPort();
      const { gateway, ask } = await clusterWithLimits({ PORT: String(port) });
      simulator.faults.add({ route: 'customer', latencyMs: 30_000 });
      const held = ask().catch((error: Error) => error);
      await vi.waitFor(() => expect(simulator.stats.inFlight).toBe(1), { timeout: 5000 });
      expect((await ask()).status).toBe(429);

      const workers = logLines(gateway.output())
        .filter((line) => line['msg'] === 'gateway listening')
        .map((line) => Number(line['pid']));
      for (const pid of workers) process.kill(pid, 'SIGKILL');
      expect(await held).toBeInstanceOf(Error);
      await vi.waitFor(() => expect(listening(gateway.output())).toBe(4), { timeout: 20_000 });
      simulator.reset();
      // The primary kept the count, and gave back what the dead workers held.
      expect((await ask()).status).toBe(200);
    }, 40_000);

    it('lets a request in when the primary does not answer, and gives back its late grant', async () => {
      // Workers take connections themselves, so they serve while the primary is stopped.
      const { gateway, ask } = await clusterWithLimits({ NODE_CLUSTER_SCHED_POLICY: 'none' });
      const primary = logLines(gateway.output()).find(
        (line) => line['msg'] === 'cluster primary started',
      )!['pid'] as number;
      process.kill(primary, 'SIGSTOP');
      let answered;
      try {
        const startedAt = performance.now();
        answered = await ask();
        // Its wait for the primary's answer ran out.
        expect(performance.now() - startedAt).toBeGreaterThanOrEqual(1000);
      } finally {
        process.kill(primary, 'SIGCONT');
      }
      expect(answered.status).toBe(200);
      // The primary granted the place once it ran again; the worker gave it
      // back at once, so alice's next requests are let in, one at a time.
      await vi.waitFor(async () => expect((await ask()).status).toBe(200), { timeout: 5000 });
      expect((await ask()).status).toBe(200);
    }, 40_000);
  });
});
