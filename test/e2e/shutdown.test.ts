/**
 * SIGTERM (and SIGINT) on the real process (src/index.ts): readiness drops at once, the
 * drain loses no accepted request, and SHUTDOWN_GRACE_MS cuts off whatever is
 * still open.
 */
import { connect } from 'node:net';
import { Client, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { FIXTURES, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawnGateway.js';

const ACCOUNT = 'query Slow($id: ID!) { account(id: $id) { id } }';
const QUERY = JSON.stringify({ query: ACCOUNT, variables: { id: FIXTURES.accountExactAmounts } });

/** `node --import tsx src/index.ts` over a simulator this test controls. */
function gatewayOver(simulator: Simulator, env: Record<string, string>): Promise<SpawnedGateway> {
  return spawnGateway({
    ENFUCE_BASE_URL: simulator.url,
    ENFUCE_USERNAME: simulator.username,
    ENFUCE_PASSWORD: simulator.password,
    AUTH_DISABLED: 'true',
    ...env,
  });
}

/** The gateway as a library, on loopback over a simulator of its own, `env` over its defaults. */
async function libraryGateway(env: Record<string, string> = {}) {
  const simulator = await startSimulator();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env });
  const gateway = await createGateway(config, {
    simulatorUrl: simulator.url,
    logger: createLogger('silent'),
  });
  return { simulator, config, gateway };
}

/** /health/ready on a fresh connection; `refused` once nothing listens. */
async function readiness(url: string): Promise<number | 'refused'> {
  try {
    const response = await request(`${url}/health/ready`, { reset: true });
    await response.body.dump();
    return response.statusCode;
  } catch {
    return 'refused';
  }
}

interface Outcome {
  /** The request's own id, sent as `x-request-id`, which the gateway passes upstream. */
  requestId: string;
  sentAt: number;
  status: number | undefined;
  id: string | undefined;
  /** Whether the answer said `Connection: close`. */
  closing?: boolean;
}

/** Keeps `connections` keep-alive clients busy until a request can no longer be sent. */
function load(url: string, connections: number, outcomes: Outcome[]): Promise<void> {
  const loops = Array.from({ length: connections }, async (_, loop) => {
    // Staggered, so that requests go out all the time rather than in bursts
    // one upstream latency apart: some are always in flight as the drain begins.
    await new Promise((resolve) => setTimeout(resolve, loop * 35));
    let client = new Client(url);
    for (let i = 0; i < 200; i++) {
      const sentAt = performance.now();
      const requestId = `load-${loop}-${i}`;
      try {
        const response = await client.request({
          method: 'POST',
          path: '/graphql',
          headers: { 'content-type': 'application/json', 'x-request-id': requestId },
          body: QUERY,
        });
        const body = (await response.body.json()) as { data?: { account?: { id: string } } };
        const closing = response.headers.connection === 'close';
        outcomes.push({
          requestId,
          sentAt,
          status: response.statusCode,
          id: body.data?.account?.id,
          closing,
        });
        // `Connection: close` during the drain: the next request needs a new connection.
        if (closing) {
          await client.close();
          client = new Client(url);
        }
      } catch {
        outcomes.push({ requestId, sentAt, status: undefined, id: undefined });
        break;
      }
    }
    await client.destroy();
  });
  return Promise.all(loops).then(() => undefined);
}

describe('graceful shutdown of the real process', () => {
  let simulator: Simulator;
  let running: SpawnedGateway | undefined;

  beforeAll(async () => {
    simulator = await startSimulator();
  });
  afterAll(() => simulator.close());
  afterEach(async () => {
    running?.kill('SIGKILL');
    await running?.exited;
    running = undefined;
    simulator.reset();
  });

  it('SIGTERM under load: readiness 503 at once, no accepted request lost, exit 0 within the grace', async () => {
    // Long enough for a loaded machine to see the draining line and probe
    // on a new connection before the listener closes.
    const DELAY_MS = 1500;
    const gateway = (running = await gatewayOver(simulator, {
      SHUTDOWN_DELAY_MS: String(DELAY_MS),
      SHUTDOWN_GRACE_MS: '6000',
    }));
    const { url } = gateway;
    expect(await readiness(url)).toBe(200);
    simulator.setLatency({ fixedMs: 300 });

    const outcomes: Outcome[] = [];
    const loadDone = load(url, 8, outcomes);
    // Under load: requests are in flight at the issuer when the signal arrives.
    await vi.waitFor(
      () => {
        expect(outcomes.length).toBeGreaterThanOrEqual(8);
        expect(simulator.stats.inFlight).toBe(8);
      },
      { timeout: 10_000, interval: 10 },
    );
    const signalAt = performance.now();
    gateway.kill('SIGTERM');
    // Signals arrive asynchronously; from the moment the process acts on it, readiness is down.
    await expect.poll(() => gateway.output(), { interval: 5 }).toContain('"msg":"draining"');

    // Readiness never says 200 again: 503 while the listener stays open, then refused.
    const probes: (number | 'refused')[] = [];
    const probe = async () => {
      probes.push(await readiness(url));
      return probes.at(-1);
    };
    await expect.poll(probe, { timeout: 8000 }).toBe('refused');
    await loadDone;

    // 0, not the 1 of the grace-period cut-off: everything drained in time.
    expect(await gateway.exited).toBe(0);
    expect(probes[0]).toBe(503);
    expect(probes).not.toContain(200);

    const beforeSignal = outcomes.filter((outcome) => outcome.sentAt < signalAt);
    expect(beforeSignal.length).toBeGreaterThanOrEqual(16);
    for (const outcome of beforeSignal) {
      expect(outcome).toMatchObject({ status: 200, id: FIXTURES.accountExactAmounts });
    }
    // Whatever got an answer at all got a full one: nothing was turned away with a 503.
    const answered = outcomes.filter((outcome) => outcome.status !== undefined);
    expect(answered.every((outcome) => outcome.status === 200)).toBe(true);
    // The drain delay kept serving new requests after the signal, telling
    // their clients to reconnect elsewhere.
    const afterSignal = answered.filter((outcome) => outcome.sentAt > signalAt);
    expect(afterSignal.length).toBeGreaterThan(0);
    expect(afterSignal.some((outcome) => outcome.closing)).toBe(true);
    // No request the gateway took in was lost, whenever it was sent: every
    // one that reached the issuer was answered in full. Those that failed
    // never got in (the listener had closed).
    const reachedIssuer = new Set(
      simulator.log.entries().map((call) => call.headers['x-request-id']),
    );
    const taken = outcomes.filter((outcome) => reachedIssuer.has(outcome.requestId));
    expect(taken.some((outcome) => outcome.sentAt > signalAt + DELAY_MS - 300)).toBe(true);
    for (const outcome of taken) {
      expect(outcome).toMatchObject({ status: 200, id: FIXTURES.accountExactAmounts });
    }
    expect(gateway.output()).toContain('"msg":"stopped"');
  });

  it('SIGINT (Ctrl-C) drains the same way: the request in flight is answered, exit 0', async () => {
    const gateway = (running = await gatewayOver(simulator, { SHUTDOWN_GRACE_MS: '6000' }));
    simulator.setLatency({ fixedMs: 300 });
    const inFlight = request(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: QUERY,
    });
    await vi.waitFor(() => expect(simulator.stats.inFlight).toBe(1), { interval: 5 });
    gateway.kill('SIGINT');
    const response = await inFlight;
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toEqual({
      data: { account: { id: FIXTURES.accountExactAmounts } },
      extensions: { upstream: { calls: 1 } },
    });
    expect(await gateway.exited).toBe(0);
    expect(gateway.output()).toContain('"signal":"SIGINT"');
    expect(gateway.output()).toContain('"msg":"stopped"');
  });

  it('at SHUTDOWN_GRACE_MS=2000: answers what finishes in time, cuts off a 20 s upstream call (logged as abandoned), exits 1', async () => {
    // The cut-off comes 500 ms before the end: room for a stalled process to log it in time.
    const graceMs = 2000;
    const gateway = (running = await gatewayOver(simulator, {
      SHUTDOWN_GRACE_MS: String(graceMs),
      ENFUCE_TIMEOUT_MS: '60000',
    }));
    simulator.faults.add({ id: FIXTURES.accountNegativeBalance, latencyMs: 20_000 });
    simulator.faults.add({ id: FIXTURES.accountExactAmounts, latencyMs: 200 });
    const account = (id: string) => gateway.post({ query: ACCOUNT, variables: { id } });
    const slow = account(FIXTURES.accountNegativeBalance).catch((error: Error) => error);
    const quick = account(FIXTURES.accountExactAmounts);
    await expect.poll(() => simulator.stats.inFlight, { timeout: 5000 }).toBe(2);

    const signalAt = performance.now();
    gateway.kill('SIGTERM');

    const answered = await quick;
    expect(answered.status).toBe(200);
    expect(answered.json).toEqual({
      data: { account: { id: FIXTURES.accountExactAmounts } },
      extensions: { upstream: { calls: 1 } },
    });
    expect(await gateway.exited).toBe(1);
    // Cut a quarter of the grace period before its end (less timer rounding), exited within it.
    const took = performance.now() - signalAt;
    expect(took).toBeGreaterThanOrEqual(graceMs * 0.75 - 10);
    expect(await slow).toBeInstanceOf(Error);
    const lines = gateway
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.msg)).toContain(
      'requests still open at the end of the grace period were cut off',
    );
    expect(lines.map((line) => line.msg)).not.toContain(
      'the drain did not end within the grace period',
    );
    // Both requests have their line: the cut one too, before the process ended.
    expect(
      lines
        .filter((line) => line.msg === 'graphql request')
        .map(({ outcome, status }) => ({ outcome, status }))
        .sort((a, b) => String(a.outcome).localeCompare(String(b.outcome))),
    ).toEqual([
      { outcome: 'abandoned', status: expect.any(Number) },
      { outcome: 'ok', status: 200 },
    ]);
    // The issuer never answered the slow call: its connection closed with the process.
    const slowCall = () =>
      simulator.log
        .entries('accountV4')
        .find((entry) => entry.id === FIXTURES.accountNegativeBalance);
    await expect.poll(() => slowCall()?.endedAt).toEqual(expect.any(Number));
    expect(slowCall()!.status).toBeUndefined();
  });
});

describe('close() of a gateway used as a library', () => {
  it('cuts off what is still open SHUTDOWN_GRACE_MS after close(), the delay included', async () => {
    const { simulator, config, gateway } = await libraryGateway({
      SHUTDOWN_DELAY_MS: '1500',
      SHUTDOWN_GRACE_MS: '3000',
      ENFUCE_TIMEOUT_MS: '60000',
    });
    try {
      const url = await gateway.listen();
      simulator.faults.add({ id: FIXTURES.accountNegativeBalance, latencyMs: 20_000 });
      const slow = request(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: ACCOUNT,
          variables: { id: FIXTURES.accountNegativeBalance },
        }),
      }).catch((error: Error) => error);
      await expect.poll(() => simulator.stats.inFlight).toBe(1);

      const closingAt = performance.now();
      await gateway.close({ delayMs: config.operations.shutdownDelayMs });
      const took = performance.now() - closingAt;
      // At the grace period, not at delay + grace (4500 ms).
      expect(took).toBeGreaterThanOrEqual(2990);
      expect(took).toBeLessThan(4000);
      expect(await slow).toBeInstanceOf(Error);
    } finally {
      await simulator.close();
    }
  });
});

describe('close() with requests that have not fully arrived', () => {
  it('cuts them at once, and still answers the request in flight', async () => {
    // Past the test's own timeout: a drain held open by them would fail it.
    const { simulator, gateway } = await libraryGateway({ SHUTDOWN_GRACE_MS: '60000' });
    try {
      const url = await gateway.listen();
      const { port } = new URL(url);
      simulator.faults.add({ id: FIXTURES.accountExactAmounts, latencyMs: 300 });
      const inFlight = request(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: QUERY,
      });
      const partial = [
        // Headers that never end (slowloris).
        'POST /graphql HTTP/1.1\r\nHost: gateway\r\nX-Slow: ',
        // A body that stops short of its length.
        'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":',
        // A chunked GET whose body never ends.
        'GET /graphql?query=%7B__typename%7D HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\n\r\n',
      ].map((head) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(head));
        // Cut with a reset or a close, as the platform does it (Node 22 resets
        // some): either way it closes, which is what counts.
        socket.on('error', () => undefined);
        return { socket, closed: new Promise((resolve) => socket.once('close', resolve)) };
      });
      await expect.poll(() => simulator.stats.inFlight).toBe(1);
      const connections = () =>
        new Promise((resolve) => gateway.app.server.getConnections((_, count) => resolve(count)));
      await expect.poll(connections).toBe(4);

      await gateway.close();
      await Promise.all(partial.map(({ closed }) => closed));
      const answer = await inFlight;
      expect(answer.statusCode).toBe(200);
      expect(await answer.body.json()).toMatchObject({
        data: { account: { id: FIXTURES.accountExactAmounts } },
      });
    } finally {
      await simulator.close();
    }
  }, 10_000);
});

describe('readiness while starting', () => {
  it('is 503 until the gateway listens, while liveness is 200', async () => {
    const { simulator, gateway } = await libraryGateway();
    try {
      const starting = await gateway.app.inject({ url: '/health/ready' });
      expect(starting.statusCode).toBe(503);
      expect((await gateway.app.inject({ url: '/health/live' })).statusCode).toBe(200);
      const url = await gateway.listen();
      expect(await readiness(url)).toBe(200);
    } finally {
      await gateway.close();
      await simulator.close();
    }
  });
});
