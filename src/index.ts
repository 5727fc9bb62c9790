/**
 * The process entry: configuration, the built-in simulator when no upstream
 * is configured, the gateway, and signals. Bad configuration exits 1 with one
 * line naming the variable. With WEB_CONCURRENCY above 1 this process becomes
 * the cluster primary and each worker runs `serve` (see cluster/primary.ts).
 *
 * Shutdown on SIGTERM or SIGINT: readiness drops to 503 at once, the gateway
 * keeps serving for SHUTDOWN_DELAY_MS, then stops accepting connections and
 * lets in-flight requests finish; whatever is still open shortly before
 * SHUTDOWN_GRACE_MS has passed since the signal is cut off (cutOffMarginMs),
 * so that its log lines and spans still go out before the exit.
 */
import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { untilAborted } from './abort.js';
import { CallerSharesViaPrimary } from './cluster/callerShares.js';
import type { StartFailed } from './cluster/messages.js';
import { runPrimary } from './cluster/primary.js';
import {
  answerHeartbeats,
  clusterMetricsRegistry,
  isGatewayWorker,
  simulatorUrlFromPrimary,
} from './cluster/worker.js';
import {
  ConfigError,
  configWarnings,
  cutOffMarginMs,
  loadConfig,
  writeConfigurationError,
  type Config,
} from './config.js';
import { createGateway } from './gateway.js';
import { createLogger } from './logger.js';
import { everyTenSeconds } from './observability/throttle.js';
import { startBuiltInSimulator, type Simulator } from './simulator/index.js';

async function serve(config: Config, logger: Logger): Promise<void> {
  const { otlpEndpoint, serviceName, shutdownDelayMs, shutdownGraceMs } = config.operations;
  const reportTracingError = everyTenSeconds<void>(() =>
    logger.warn('the tracing SDK reported an error: spans may be lost'),
  );
  // Until the gateway listens there is nothing to drain: a signal ends the
  // start. Handled from the first moment, since the kernel drops a signal
  // without a handler sent to PID 1 (`node` as a container's entry point).
  let stop = (signal: NodeJS.Signals): unknown => {
    logger.info({ signal }, 'stopped before listening');
    return process.exit(0);
  };
  const onSignal = (signal: NodeJS.Signals) => void stop(signal);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Loaded only when configured: without it no OpenTelemetry SDK is loaded.
  const stopTracing = otlpEndpoint
    ? (await import('./observability/tracing.js')).startTracing({
        endpoint: otlpEndpoint,
        serviceName,
        onError: () => reportTracingError(),
      })
    : undefined;

  let simulator: Simulator | undefined;
  let simulatorUrl: string | undefined;
  if (config.upstream.baseUrl === undefined && isGatewayWorker) {
    simulatorUrl = await simulatorUrlFromPrimary();
  } else if (config.upstream.baseUrl === undefined) {
    simulator = await startBuiltInSimulator(config.upstream, logger);
    simulatorUrl = simulator.url;
  }

  if (isGatewayWorker) answerHeartbeats();
  const gateway = await createGateway(config, {
    logger,
    simulatorUrl,
    metricsRegistry: isGatewayWorker ? clusterMetricsRegistry() : undefined,
    callerShares: isGatewayWorker ? new CallerSharesViaPrimary() : undefined,
  });
  const address = await gateway.listen().catch((error: NodeJS.ErrnoException) => {
    // A port in use or an address that cannot be bound is configuration too: one line, exit 1.
    const problem: Record<string, string> = {
      EADDRINUSE: `PORT ${config.port} is already in use`,
      EACCES: `PORT ${config.port} needs privileges this process does not have`,
      EADDRNOTAVAIL: `HOST ${config.host} is not an address of this machine`,
      ENOTFOUND: `HOST ${config.host} does not resolve`,
    };
    if (!error.code) throw error;
    return refuseToStart(
      problem[error.code] ??
        `HOST ${config.host} PORT ${config.port} cannot be bound (${error.code})`,
    );
  });
  logger.info({ url: `${address}/graphql` }, 'gateway listening');

  let stopping = false;
  stop = async (signal: NodeJS.Signals) => {
    // A second signal (a terminal's Ctrl-C plus the primary's SIGTERM) changes nothing.
    if (stopping) return;
    stopping = true;
    logger.info({ signal, delayMs: shutdownDelayMs, graceMs: shutdownGraceMs }, 'draining');
    const deadline = Date.now() + shutdownGraceMs;
    // Should the drain itself hang.
    setTimeout(() => {
      logger.error({ graceMs: shutdownGraceMs }, 'the drain did not end within the grace period');
      process.exit(1);
    }, shutdownGraceMs).unref();
    const margin = cutOffMarginMs(shutdownGraceMs);
    const { cutOff } = await gateway.close({
      delayMs: shutdownDelayMs,
      graceMs: shutdownGraceMs - margin,
    });
    if (cutOff) {
      logger.error(
        { graceMs: shutdownGraceMs },
        'requests still open at the end of the grace period were cut off',
      );
    }
    // A collector that cannot take the last spans, or takes them and never
    // answers, is worth a line, not a failed shutdown. Whatever is left of
    // the grace period bounds it, less a margin for the lines below.
    if (stopTracing) {
      const left = AbortSignal.timeout(Math.max(0, deadline - Date.now() - margin / 2));
      // Its code or name alone: the exporter's message names the collector,
      // and may quote its answer.
      await untilAborted(stopTracing(), left).catch((error: unknown) => {
        const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
        // A DOMException's `code` is a legacy number (23 for a timeout): its name says it.
        logger.warn(
          { reason: typeof code === 'string' ? code : name },
          'could not send the last spans',
        );
      });
    }
    await simulator?.close();
    logger.info('stopped');
    process.exit(cutOff ? 1 : 0);
  };
}

/**
 * The one line of a start that failed, and exit 1. A cluster worker tells
 * the primary instead, which writes it once: every worker meets the same
 * port in use.
 */
async function refuseToStart(line: string): Promise<never> {
  if (isGatewayWorker) {
    const failed: StartFailed = { type: 'gateway:start-failed', line };
    await new Promise((resolve) => process.send!(failed, undefined, {}, resolve));
  } else {
    writeConfigurationError(line);
  }
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  writeConfigurationError(error.message);
  process.exit(1);
}
const logger = createLogger(config.logLevel, !config.production && process.stdout.isTTY);
// The gateway's own workers leave them to their primary.
if (!isGatewayWorker) {
  const underAnotherPrimary = cluster.isWorker;
  for (const warning of configWarnings(config, { underAnotherPrimary })) logger.warn(warning);
}
if (config.operations.workers > 1 && cluster.isPrimary) {
  await runPrimary(config, logger);
} else {
  await serve(config, isGatewayWorker ? logger.child({ worker: cluster.worker!.id }) : logger);
}
