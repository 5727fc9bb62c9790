/**
 * What the baselines share with the gateway: its own `EnfuceClient` with the
 * same configuration and the same resilience policy (retries, breaker,
 * bulkhead), minus the metrics and failure-log observers, which are part of
 * what the gateway itself costs; and its context factory over that client.
 */
import type { Dispatcher } from 'undici';
import { createAuthenticator } from '../../src/auth/authenticate.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createContextFactory } from '../../src/context.js';
import { createCursorCodec } from '../../src/resolvers/cursor.js';
import { EnfuceClient } from '../../src/upstream/client.js';
import { createUpstreamPolicy } from '../../src/upstream/policy.js';
import { upstreamFromEnv } from './upstreamEnv.js';

export function baselineConfig(): Config {
  const upstream = upstreamFromEnv();
  return loadConfig({
    ENFUCE_USERNAME: upstream.username,
    ENFUCE_PASSWORD: upstream.password,
    ...(JSON.parse(process.env.BENCH_GATEWAY_ENV ?? '{}') as Record<string, string>),
  });
}

/** `dispatcher`: in place of the client's own pool (the keep-alive benchmark's one socket). */
export function createBaselineClient(config: Config, dispatcher?: Dispatcher): EnfuceClient {
  const upstream = upstreamFromEnv();
  return new EnfuceClient({
    baseUrl: upstream.url,
    username: upstream.username,
    password: upstream.password,
    timeoutMs: config.upstream.timeoutMs,
    dispatcher,
    connections: config.upstream.maxConnections,
    maxResponseBytes: config.upstream.maxResponseBytes,
    maxCallsPerScope: config.upstream.maxCallsPerOperation,
    policy: createUpstreamPolicy(config.upstream),
  });
}

/**
 * The baselines' client and the gateway's own context factory over it, with
 * the open authentication the gateway uses over the simulator.
 */
export function createBaseline() {
  const config = baselineConfig();
  const client = createBaselineClient(config);
  const createContext = createContextFactory({
    client,
    authenticate: createAuthenticator(config.auth, { open: true }),
    cursors: createCursorCodec(config.cursorSecret),
  });
  return { client, createContext };
}
