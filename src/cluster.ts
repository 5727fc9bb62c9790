/**
 * `WEB_CONCURRENCY` workers on one host through `node:cluster`. The primary
 * serves nothing itself: it runs the built-in simulator once (when there is
 * no ENFUCE_BASE_URL) and tells workers its URL, aggregates every worker's
 * metrics for whichever worker is scraped, restarts workers that die, and on
 * SIGTERM or SIGINT lets every worker drain before it exits.
 *
 * Workers ask the primary over the IPC channel; each question carries an id
 * so answers can't be crossed.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { AggregatorRegistry, Registry } from 'prom-client';
import type { Config } from './config.js';
import { startSimulator, type Simulator } from './simulator/index.js';

interface Question {
  type: 'gateway:question';
  id: number;
  topic: 'simulatorUrl' | 'metrics';
}

interface Answer {
  type: 'gateway:answer';
  id: number;
  value?: string;
  error?: string;
}

/** Runs the primary until a signal stops it and its workers. */
export async function runPrimary(config: Config, logger: Logger): Promise<void> {
  const { workers, shutdownGraceMs } = config.operations;
  let simulator: Simulator | undefined;
  if (config.upstream.baseUrl === undefined) {
    simulator = await startSimulator({
      username: config.upstream.username,
      password: config.upstream.password,
    });
    logger.info({ url: simulator.url }, 'built-in Enfuce simulator listening');
  }

  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: Question) => {
    if (message?.type !== 'gateway:question') return;
    const reply = (answer: Omit<Answer, 'type' | 'id'>) =>
      worker.send({ type: 'gateway:answer', id: message.id, ...answer } satisfies Answer);
    if (message.topic === 'simulatorUrl') {
      reply(simulator ? { value: simulator.url } : { error: 'No simulator runs here.' });
    } else {
      aggregator.clusterMetrics().then(
        (value) => reply({ value }),
        (error: Error) => reply({ error: error.message }),
      );
    }
  });

  let stopping = false;
  const startedAt = new Map<number, number>();
  // Checked again when a delayed restart fires: a stop may have begun meanwhile.
  const fork = () => {
    if (!stopping) startedAt.set(cluster.fork().id, Date.now());
  };
  cluster.on('exit', (worker, code, signal) => {
    const uptime = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping) return;
    logger.error({ worker: worker.id, code, signal }, 'worker died; starting another');
    // A worker that dies at once would otherwise be restarted in a tight loop.
    setTimeout(fork, uptime < 1000 ? 1000 : 0);
  });
  for (let i = 0; i < workers; i++) fork();
  logger.info({ workers }, 'cluster primary started');

  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping workers');
    setTimeout(() => {
      logger.error({ graceMs: shutdownGraceMs }, 'workers still running after the grace period');
      process.exit(1);
    }, shutdownGraceMs + 1000).unref();
    const exited = Object.values(cluster.workers ?? {}).map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker === undefined || worker.isDead()) return resolve();
          worker.once('exit', () => resolve());
          worker.process.kill('SIGTERM');
        }),
    );
    await Promise.all(exited);
    await simulator?.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

let nextQuestion = 0;
const pending = new Map<number, { resolve: (value: string) => void; reject: (e: Error) => void }>();

/** Asks the primary; only in a worker. */
function ask(topic: Question['topic'], timeoutMs = 5000): Promise<string> {
  if (pending.size === 0) process.on('message', onAnswer);
  const id = nextQuestion++;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      settle(id);
      reject(new Error(`The cluster primary did not answer "${topic}" within ${timeoutMs} ms.`));
    }, timeoutMs);
    pending.set(id, {
      resolve: (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
    process.send!({ type: 'gateway:question', id, topic } satisfies Question);
  });
}

function onAnswer(message: Answer): void {
  if (message?.type !== 'gateway:answer') return;
  const waiting = pending.get(message.id);
  if (waiting === undefined) return;
  settle(message.id);
  if (message.value !== undefined) waiting.resolve(message.value);
  else waiting.reject(new Error(message.error ?? 'The cluster primary sent no answer.'));
}

function settle(id: number): void {
  pending.delete(id);
  // No listener left means the IPC channel no longer keeps the worker alive.
  if (pending.size === 0) process.off('message', onAnswer);
}

/** In a worker: the URL of the simulator the primary runs. */
export function simulatorUrlFromPrimary(): Promise<string> {
  return ask('simulatorUrl');
}

/**
 * In a worker: a registry whose scrape answers with every worker's metrics,
 * aggregated by the primary, so /metrics means the host whichever worker
 * takes the scrape.
 */
export function clusterMetricsRegistry(): Registry {
  const registry = new (class extends Registry {
    override metrics(): Promise<string> {
      return ask('metrics');
    }
  })();
  // Constructed for its side effect: the worker answers the primary's
  // requests for this worker's own metrics.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  return registry;
}
