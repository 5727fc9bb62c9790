/**
 * Contender "gateway": this project's gateway exactly as `createGateway`
 * assembles it (fastify, Apollo Server, plugins, loaders, undici client),
 * configured through `loadConfig` like the process entry does.
 */
import { loadConfig } from '../../src/config.js';
import { createGateway } from '../../src/gateway.js';
import { runChild } from '../lib/contenderProcess.js';
import { upstreamFromEnv } from './upstreamEnv.js';

runChild(async () => {
  const upstream = upstreamFromEnv();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ENFUCE_USERNAME: upstream.username,
    ENFUCE_PASSWORD: upstream.password,
    // Gateway options under test (e.g. GRAPHQL_JIT) come through as given.
    ...(JSON.parse(process.env.BENCH_GATEWAY_ENV ?? '{}') as Record<string, string>),
  });
  const gateway = await createGateway(config, { simulatorUrl: upstream.url });
  const url = await gateway.listen();
  return {
    url,
    close: async () => {
      await gateway.close();
    },
  };
});
