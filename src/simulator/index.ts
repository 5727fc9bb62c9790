/**
 * The Enfuce simulator: an HTTP server that answers like the issuer's REST
 * API (ENFUCE_API.md) over a seeded dataset, with switchable latency and
 * faults, a request log and a concurrency gauge. It is the default upstream
 * of `npm start`, of the end-to-end tests and of the benchmark.
 */
import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { ADMIN_PREFIX, handleAdmin, parseLatency } from './admin.js';
import { FaultController } from './faults.js';
import { ConcurrencyGauge } from './gauge.js';
import { handleApi, type Latency } from './handleApi.js';
import { closeIdleSockets } from './idleSockets.js';
import { createRandom } from './random.js';
import { RequestLog } from './requestLog.js';
import { createSimulatorData, type SimulatorData } from './seed.js';

export { FIXTURES, createSimulatorData, type FixtureName, type SimulatorData } from './seed.js';
export type { AccountRecord, CustomerRecord } from './records.js';
export type { FaultRule } from './faultRule.js';
export type { FaultController, FaultRuleState } from './faults.js';
export type { RequestLog, RequestLogEntry, PageRead, SubAccountRead } from './requestLog.js';
export type { RouteName } from './routes.js';
export { traceRequests, type UpstreamTrace } from './traces.js';
export { ROUTE_NAMES } from './routes.js';
export { ADMIN_PREFIX } from './admin.js';

/** How to start a simulator. Every field is optional. */
export interface SimulatorOptions {
  /** Port to listen on; default 0 (an ephemeral port, see `Simulator.port`). */
  port?: number;
  /** Address to bind; default '127.0.0.1'. */
  host?: string;
  /** Seed of the dataset, the fault draws and the latency jitter; default 1. */
  seed?: number;
  /** Basic username the simulator accepts; default 'gateway'. */
  username?: string;
  /** Basic password the simulator accepts; default 'simulator'. */
  password?: string;
  /** Latency of every API answer: fixedMs plus a random [0, jitterMs); default 0/0. */
  latency?: { fixedMs?: number; jitterMs?: number };
  /**
   * Idle keep-alive timeout of server sockets in ms, closed without a
   * `Keep-Alive` header announcing it, as many load balancers do; default
   * Node's 5000, announced.
   */
  keepAliveTimeoutMs?: number;
  /** Most request-log entries kept (older ones are dropped, counts stay exact); default 100 000. */
  maxLogEntries?: number;
}

/** A running simulator. */
export interface Simulator {
  /** Base URL without a trailing slash, e.g. 'http://127.0.0.1:34567'. */
  url: string;
  port: number;
  username: string;
  password: string;
  /** The seeded dataset (read-only view). */
  data: SimulatorData;
  /** Every API request received (admin requests excluded). */
  log: RequestLog;
  /** Run-time fault rules: `add(rule)` → id, `remove(id)`, `clear()`, `list()`. */
  faults: FaultController;
  /** Concurrent API requests: now, and at most since `reset()`. */
  stats: { readonly inFlight: number; readonly maxInFlight: number; reset(): void };
  /** Changes the simulator-wide latency; omitted fields keep their value. */
  setLatency(latency: { fixedMs?: number; jitterMs?: number }): void;
  /** Back to the starting state: no fault rules, empty log, gauge reset, starting latency. */
  reset(): void;
  /** Stops listening and destroys every socket, hung requests included. */
  close(): Promise<void>;
}

/** Starts a simulator and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 1;
  const username = options.username ?? 'gateway';
  const password = options.password ?? 'simulator';
  const startLatency: Latency = { fixedMs: 0, jitterMs: 0, ...parseLatency(options.latency ?? {}) };
  let latency = { ...startLatency };
  const setLatency = (update: Partial<Latency>): void => {
    latency = { ...latency, ...parseLatency(update) };
  };

  const data = createSimulatorData(seed);
  const connectionNumbers = new WeakMap<Socket, number>();
  // Fault draws and latency jitter get streams of their own, so neither
  // shifts the dataset or the other.
  const faults = new FaultController(seed ^ 0x5eed);
  const startJitter = () => createRandom(seed ^ 0x717e);
  let jitter = startJitter();
  const log = new RequestLog({ maxEntries: options.maxLogEntries });
  const gauge = new ConcurrencyGauge();
  const closing = new AbortController();
  // Every in-flight request's latency sleep watches it; hundreds is normal under load.
  setMaxListeners(0, closing.signal);
  const reset = (): void => {
    faults.clear();
    log.clear();
    gauge.reset();
    latency = { ...startLatency };
    jitter = startJitter();
  };

  const apiContext = {
    data,
    credentials: { username, password },
    log,
    faults,
    gauge,
    jitter: () => jitter,
    connectionOf: (socket: Socket) => connectionNumbers.get(socket) ?? 0,
    latency: () => latency,
    signal: closing.signal,
  };
  const adminContext = {
    credentials: { username, password },
    log,
    faults,
    gauge,
    getLatency: () => latency,
    setLatency,
    reset,
  };

  const server = createServer((req, res) => {
    const handled = req.url?.startsWith(ADMIN_PREFIX)
      ? handleAdmin(req, res, adminContext)
      : handleApi(req, res, apiContext);
    handled.catch((error: unknown) => {
      // A bug in the simulator must not take the test process down; answer 500 if still possible.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 500, message: `Simulator error: ${String(error)}` }));
      } else {
        res.destroy();
      }
    });
  });
  if (options.keepAliveTimeoutMs !== undefined)
    closeIdleSockets(server, options.keepAliveTimeoutMs);
  const sockets = new Set<Socket>();
  let accepted = 0;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    connectionNumbers.set(socket, ++accepted);
    socket.once('close', () => sockets.delete(socket));
  });

  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('The simulator is not listening on a TCP port.');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    username,
    password,
    data,
    log,
    faults,
    stats: {
      get inFlight() {
        return gauge.inFlight;
      },
      get maxInFlight() {
        return gauge.maxInFlight;
      },
      reset: () => gauge.reset(),
    },
    setLatency,
    reset,
    close: () => close(server, sockets, closing),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server, sockets: Set<Socket>, closing: AbortController): Promise<void> {
  closing.abort();
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive sockets and hung requests would otherwise hold close() open forever.
    for (const socket of sockets) socket.destroy();
  });
}

/**
 * The simulator `npm start` runs when ENFUCE_BASE_URL is unset, accepting the
 * gateway's configured upstream credentials, announced on the gateway's log.
 */
export async function startBuiltInSimulator(
  credentials: { username: string; password: string },
  logger: Pick<Logger, 'info'>,
): Promise<Simulator> {
  const { username, password } = credentials;
  // Nothing reads its log, and every entry keeps the request's headers.
  const simulator = await startSimulator({ username, password, maxLogEntries: 1000 });
  logger.info({ url: simulator.url }, 'built-in Enfuce simulator listening');
  return simulator;
}
