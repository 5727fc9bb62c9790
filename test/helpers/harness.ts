/**
 * A simulator and a gateway on port 0, wired together the way `npm start`
 * wires them, for end-to-end tests over real HTTP.
 */
import type { DestinationStream } from 'pino';
import { request } from 'undici';
import { loadConfig } from '../../src/config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import {
  startSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator/index.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export interface HarnessOptions {
  /** ENFUCE_TIMEOUT_MS for the gateway. */
  upstreamTimeoutMs?: number;
  /**
   * Run as against a real upstream: ENFUCE_BASE_URL points at the simulator
   * and callers need a JWT signed with TEST_JWT_SECRET.
   */
  auth?: boolean;
  /** More environment variables for the gateway's configuration. */
  env?: Record<string, string>;
  /**
   * Where the gateway writes its JSON log lines; with it LOG_LEVEL defaults
   * to `info` instead of `silent`.
   */
  logDestination?: DestinationStream;
  simulator?: SimulatorOptions;
}

export interface GraphQLReply<TData> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  data: TData;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
  /** Outside production, `upstream.calls`: what the operation cost the issuer. */
  extensions?: { upstream?: { calls: number }; ftv1?: string };
  /** The raw body text. */
  text: string;
}

export interface Harness {
  /** The gateway's base URL, e.g. `http://127.0.0.1:34567`. */
  url: string;
  simulator: Simulator;
  gateway: Gateway;
  /** POSTs a GraphQL request to /graphql and parses the answer. */
  execute<TData = any>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLReply<TData>>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const simulator = await startSimulator(options.simulator);
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logDestination ? 'info' : 'silent',
    ENFUCE_USERNAME: simulator.username,
    ENFUCE_PASSWORD: simulator.password,
    ...(options.upstreamTimeoutMs && { ENFUCE_TIMEOUT_MS: String(options.upstreamTimeoutMs) }),
    ...(options.auth && { ENFUCE_BASE_URL: simulator.url, AUTH_JWT_SECRET: TEST_JWT_SECRET }),
    // `GRAPHQL_JIT=true npm test` runs every end-to-end test on compiled execution.
    ...(process.env.GRAPHQL_JIT && { GRAPHQL_JIT: process.env.GRAPHQL_JIT }),
    // Compiled from the first run, so that a test running a query once tests
    // the compiled path.
    GRAPHQL_JIT_AFTER: '0',
    ...options.env,
  };
  const config = loadConfig(env);
  const gateway = await createGateway(config, {
    simulatorUrl: simulator.url,
    logger: createLogger(config.logLevel, false, options.logDestination),
  });
  const url = await gateway.listen();

  return {
    url,
    simulator,
    gateway,
    async execute(query, variables, headers) {
      const response = await request(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.body.text();
      const body = JSON.parse(text);
      return {
        status: response.statusCode,
        headers: response.headers,
        data: body.data,
        errors: body.errors,
        extensions: body.extensions,
        text,
      };
    },
    async close() {
      await gateway.close();
      await simulator.close();
    },
  };
}
