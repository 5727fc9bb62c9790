/**
 * The baselines' upstream client: the gateway's own `EnfuceClient` with the
 * same configuration and the same resilience policy (retries, breaker,
 * bulkhead), minus the metrics and failure-log observers, which are part of
 * what the gateway itself costs.
 */
import { loadConfig, type Config } from '../../src/config.js';
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

export function createBaselineClient(config: Config): EnfuceClient {
  const upstream = upstreamFromEnv();
  return new EnfuceClient({
    baseUrl: upstream.url,
    username: upstream.username,
    password: upstream.password,
    timeoutMs: config.upstream.timeoutMs,
    connections: config.upstream.maxConnections,
    maxResponseBytes: config.upstream.maxResponseBytes,
    maxCallsPerScope: config.upstream.maxCallsPerOperation,
    policy: createUpstreamPolicy(config.upstream),
  });
}
