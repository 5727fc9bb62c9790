import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { FIXTURES, startSimulator, type Simulator } from '../../src/simulator/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const QUERY = JSON.stringify({
  query: 'query Slow($id: ID!) { account(id: $id) { id } }',
  variables: { id: FIXTURES.accountExactAmounts },
});

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the exit code and the time from `since` to the exit. */
  exited: Promise<{ code: number | null; at: number }>;
}

/** The real process, `node --import tsx src/index.ts`, over a simulator this test controls. */
async function startGateway(simulator: Simulator, env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ENFUCE_BASE_URL: simulator.url,
      ENFUCE_USERNAME: simulator.username,
      ENFUCE_PASSWORD: simulator.password,
      AUTH_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: performance.now() })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No start in 20 s:\n${output}`)), 20_000);
    child.stdout!.on('data', () => {
      const match = /"url":"(http:\/\/[^"]+)\/graphql","msg":"gateway listening"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then(({ code }) => reject(new Error(`Exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output, exited };
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
  sentAt: number;
  status: number | undefined;
  id: string | undefined;
}

/** Keeps `connections` keep-alive clients busy until a request can no longer be sent. */
function load(url: string, connections: number, outcomes: Outcome[]): Promise<void> {
  const loops = Array.from({ length: connections }, async () => {
    let client = new Client(url);
    for (let i = 0; i < 200; i++) {
      const sentAt = performance.now();
      try {
        const response = await client.request({
          method: 'POST',
          path: '/graphql',
          headers: { 'content-type': 'application/json' },
          body: QUERY,
        });
        const body = (await response.body.json()) as { data?: { account?: { id: string } } };
        outcomes.push({ sentAt, status: response.statusCode, id: body.data?.account?.id });
        // `Connection: close` during the drain: the next request needs a new connection.
        if (response.headers.connection === 'close') {
          await client.close();
          client = new Client(url);
        }
      } catch {
        outcomes.push({ sentAt, status: undefined, id: undefined });
        break;
      }
    }
    await client.destroy();
  });
  return Promise.all(loops).then(() => undefined);
}

describe('graceful shutdown of the real process', () => {
  let simulator: Simulator;
  let running: Running | undefined;

  beforeAll(async () => {
    simulator = await startSimulator();
  });
  afterAll(() => simulator.close());
  afterEach(() => {
    if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
    running = undefined;
    simulator.reset();
  });

  it('SIGTERM under load: readiness 503 at once, no accepted request lost, exit within the grace', async () => {
    running = await startGateway(simulator, {
      SHUTDOWN_DELAY_MS: '700',
      SHUTDOWN_GRACE_MS: '6000',
    });
    const { url } = running;
    expect(await readiness(url)).toBe(200);
    simulator.setLatency({ fixedMs: 300 });

    const outcomes: Outcome[] = [];
    const loadDone = load(url, 8, outcomes);
    // Under load: requests are in flight at the issuer when the signal arrives.
    while (simulator.stats.inFlight < 8 || outcomes.length < 8) await sleep(10);
    const signalAt = performance.now();
    running.child.kill('SIGTERM');
    // Signals arrive asynchronously; from the moment the process acts on it, readiness is down.
    while (!running.output().includes('"msg":"draining"')) await sleep(5);

    const probes: (number | 'refused')[] = [];
    while (running.child.exitCode === null && performance.now() - signalAt < 8000) {
      probes.push(await readiness(url));
      await sleep(50);
    }
    await loadDone;
    const { code, at } = await running.exited;

    expect(code).toBe(0);
    expect(at - signalAt).toBeLessThan(6000);
    // Readiness never says 200 again; it is 503 while the listener stays open.
    expect(probes).not.toContain(200);
    expect(probes[0]).toBe(503);
    expect(probes).toContain('refused');

    const beforeSignal = outcomes.filter((outcome) => outcome.sentAt < signalAt);
    expect(beforeSignal.length).toBeGreaterThanOrEqual(16);
    for (const outcome of beforeSignal) {
      expect(outcome).toMatchObject({ status: 200, id: FIXTURES.accountExactAmounts });
    }
    // Whatever got an answer at all got a full one: nothing was turned away with a 503.
    const answered = outcomes.filter((outcome) => outcome.status !== undefined);
    expect(answered.every((outcome) => outcome.status === 200)).toBe(true);
    // The drain delay kept serving new requests after the signal.
    expect(answered.some((outcome) => outcome.sentAt > signalAt)).toBe(true);
    expect(running.output()).toContain('"msg":"draining"');
    expect(running.output()).toContain('"msg":"stopped"');
  });

  it('cuts off a request that outlives the grace period and exits non-zero in time', async () => {
    running = await startGateway(simulator, {
      SHUTDOWN_GRACE_MS: '1500',
      ENFUCE_TIMEOUT_MS: '60000',
    });
    simulator.faults.add({ route: 'account', hang: true });
    const stuck = request(`${running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: QUERY,
    }).catch((error: Error) => error);
    while (simulator.stats.inFlight < 1) await sleep(10);

    const signalAt = performance.now();
    running.child.kill('SIGTERM');
    const { code, at } = await running.exited;

    expect(code).toBe(1);
    expect(at - signalAt).toBeGreaterThanOrEqual(1400);
    expect(at - signalAt).toBeLessThan(1500 + 3000);
    expect(await stuck).toBeInstanceOf(Error);
    expect(running.output()).toContain('requests still open after the grace period');
  });
});

describe('readiness while starting', () => {
  it('is 503 until the gateway listens, while liveness is 200', async () => {
    const simulator = await startSimulator();
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    const gateway = await createGateway(config, {
      simulatorUrl: simulator.url,
      logger: createLogger('silent'),
    });
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
