/**
 * The process entry: configuration, the built-in simulator when no upstream
 * is configured, the gateway, and signals. Bad configuration exits 1 with one
 * line naming the variable.
 */
import { ConfigError, loadConfig, type Config } from './config.js';
import { createGateway } from './gateway.js';
import { createLogger } from './logger.js';
import { startSimulator, type Simulator } from './simulator/index.js';

async function main(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, !config.production && process.stdout.isTTY);
  let simulator: Simulator | undefined;
  if (config.upstream.baseUrl === undefined) {
    simulator = await startSimulator({
      username: config.upstream.username,
      password: config.upstream.password,
    });
    logger.info({ url: simulator.url }, 'built-in Enfuce simulator listening');
  }

  const gateway = await createGateway(config, { logger, simulatorUrl: simulator?.url });
  const address = await gateway.listen();
  logger.info({ url: `${address}/graphql` }, 'gateway listening');

  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await gateway.close();
    await simulator?.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`Configuration error: ${error.message}\n`);
  process.exit(1);
}
await main(config);
