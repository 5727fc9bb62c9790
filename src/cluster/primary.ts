/**
 * `WEB_CONCURRENCY` workers on one host through `node:cluster`. The primary
 * serves nothing itself: it runs the built-in simulator once (when there is
 * no ENFUCE_BASE_URL) and tells workers its URL, aggregates every worker's
 * metrics for whichever worker is scraped, keeps the count of each caller's
 * share for all workers (cluster/callerShares.ts), restarts workers that die, and on
 * SIGTERM or SIGINT lets every worker drain before it exits, with 1 when any
 * of them had to cut requests off. A worker that exits before the first one
 * listened is a start-up failure (a port in use, say): the primary stops too,
 * with 1, as a single process would, instead of restarting it forever. So it
 * does when workers keep dying later (a crash loop): restarting them would
 * hide from the supervisor a failure it can see and back off from.
 *
 * The workers' side of the conversation is in worker.ts and callerShares.ts.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { callerSharesPolicy, writeConfigurationError, type Config } from '../config.js';
import { HostMetrics, type WorkerMetrics } from '../observability/clusterMetrics.js';
import { startBuiltInSimulator, type Simulator } from '../simulator/index.js';
import { HostCallerShares } from './callerShares.js';
import { watchHeartbeats } from './heartbeat.js';
import { GATEWAY_WORKER_MARK } from './worker.js';
import type {
  Answer,
  CallerEnter,
  CallerEntered,
  CallerLeave,
  MetricsAnswer,
  MetricsQuestion,
  MetricsReply,
  Ping,
  Pong,
  Question,
  StartFailed,
} from './messages.js';

// Below the 5 s a worker waits for the primary's aggregate.
const WORKER_METRICS_TIMEOUT_MS = 4000;

// This many deaths within the window, or one per worker when there are more
// workers, is a crash loop, not bad luck.
const CRASH_LOOP_DEATHS = 5;
const CRASH_LOOP_WINDOW_MS = 60_000;

/** Runs the primary until a signal stops it and its workers. */
export async function runPrimary(config: Config, logger: Logger): Promise<void> {
  const { workers, shutdownGraceMs } = config.operations;
  // Until workers are forked there is nothing to stop: a signal ends the
  // start, handled from the first moment as in a single process (index.ts).
  let stop = (_exitCode: number, signal?: NodeJS.Signals): unknown => {
    logger.info({ signal }, 'stopped before listening');
    return process.exit(0);
  };
  process.on('SIGTERM', (signal) => void stop(0, signal));
  process.on('SIGINT', (signal) => void stop(0, signal));
  let simulator: Simulator | undefined;
  if (config.upstream.baseUrl === undefined) {
    simulator = await startBuiltInSimulator(config.upstream, logger);
  }

  // Only workers that listen are asked for metrics: one still starting has
  // nothing to count yet and could not answer, which would fail every scrape.
  const listening = new Set<Worker>();
  const metricsAnswers = new Map<
    number,
    { worker: Worker; settle: (answer: MetricsReply) => void }
  >();
  let nextMetricsQuestion = 0;
  const metricsOf = (worker: Worker) =>
    new Promise<WorkerMetrics>((resolve) => {
      const id = nextMetricsQuestion++;
      // A worker that cannot answer counts by its last answer (an empty one
      // says so): failing the scrape would lose the host's metrics just when
      // one worker is in trouble, stalled by a long task, say.
      const settle = ({ metrics, error }: MetricsReply) => {
        clearTimeout(timer);
        metricsAnswers.delete(id);
        if (!metrics) {
          logger.warn(
            { worker: worker.id, reason: error },
            'counting a worker by its last metrics',
          );
        }
        resolve(metrics ?? []);
      };
      const timer = setTimeout(
        () => settle({ error: `no answer within ${WORKER_METRICS_TIMEOUT_MS} ms` }),
        WORKER_METRICS_TIMEOUT_MS,
      );
      metricsAnswers.set(id, { worker, settle });
      // A worker that is already gone has nothing more to count.
      sendTo(worker, { type: 'gateway:metrics-question', id } satisfies MetricsQuestion, () =>
        settle({ metrics: [] }),
      );
    });
  // Nor does one that dies while asked: the scrape goes on with the others'
  // metrics instead of waiting out the timeout.
  const forgetQuestionsTo = (worker: Worker) => {
    for (const question of metricsAnswers.values()) {
      if (question.worker === worker) question.settle({ metrics: [] });
    }
  };
  const hostMetrics = new HostMetrics({
    operationNames: config.operations.metricsOperationNames,
  });
  const askWorkers = async () => {
    const workers = [...listening];
    const answers = await Promise.all(workers.map(metricsOf));
    // One that died meanwhile counts by what it said before it died (retire).
    const live = workers.flatMap((worker, i) =>
      listening.has(worker) ? [[worker.id, answers[i]!] as const] : [],
    );
    return hostMetrics.aggregate(new Map(live));
  };
  // Scrapes that arrive while the workers are being asked share that answer,
  // so a flood of them costs the workers and the primary, which also keeps
  // the per-caller count, one round at a time.
  let asking: Promise<string> | undefined;
  const clusterMetrics = () =>
    (asking ??= askWorkers().finally(() => {
      asking = undefined;
    }));

  const policy = callerSharesPolicy(config);
  const callerShares = policy && new HostCallerShares(policy, sendTo);

  let startFailureWritten = false;
  cluster.on(
    'message',
    (
      worker: Worker,
      message: Question | MetricsAnswer | CallerEnter | CallerLeave | StartFailed | Pong,
    ) => {
      if (callerShares?.receive(worker, message)) return;
      if (message?.type === 'gateway:pong') {
        heartbeats.answered(worker);
        return;
      }
      if (message?.type === 'gateway:start-failed') {
        // One line for the process, however many workers meet the same failure.
        if (!startFailureWritten) writeConfigurationError(message.line);
        startFailureWritten = true;
        return;
      }
      if (message?.type === 'gateway:metrics-answer') {
        metricsAnswers.get(message.id)?.settle(message);
        return;
      }
      if (message?.type !== 'gateway:question') return;
      const reply = (answer: Omit<Answer, 'type' | 'id'>) =>
        sendTo(worker, { type: 'gateway:answer', id: message.id, ...answer } satisfies Answer);
      if (message.topic === 'simulatorUrl') {
        reply(simulator ? { value: simulator.url } : { error: 'No simulator runs here.' });
      } else {
        clusterMetrics().then(
          (value) => reply({ value }),
          (error: Error) => reply({ error: error.message }),
        );
      }
    },
  );

  let stopping = false;
  // Every worker seals cursors with the primary's key, CURSOR_SECRET's or the
  // one its start made: a client's next page may reach another worker.
  const workerEnv = { [GATEWAY_WORKER_MARK]: '1', CURSOR_SECRET: config.cursorSecret };
  const startedAt = new Map<number, number>();
  // Checked again when a delayed restart fires: a stop may have begun meanwhile.
  const fork = () => {
    if (!stopping) startedAt.set(cluster.fork(workerEnv).id, Date.now());
  };
  let anyListened = false;
  const heartbeats = watchHeartbeats(logger, sendTo);
  cluster.on('listening', (worker) => {
    listening.add(worker);
    heartbeats.listening(worker);
    anyListened = true;
  });

  /** Stops every worker, then exits with `exitCode`, or 1 when a worker had to cut requests off. */
  stop = async (exitCode: number, signal?: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    heartbeats.stop();
    logger.info(signal ? { signal } : {}, 'stopping workers');
    setTimeout(() => {
      logger.error({ graceMs: shutdownGraceMs }, 'workers still running after the grace period');
      // A worker stuck in a loop, or stopped, never reads the channel's
      // close: outside a container nothing else would end it.
      for (const worker of Object.values(cluster.workers ?? {})) {
        if (worker !== undefined && !worker.isDead()) worker.process.kill('SIGKILL');
      }
      process.exit(1);
    }, shutdownGraceMs + 1000).unref();
    const exited = Object.values(cluster.workers ?? {}).map(
      (worker) =>
        new Promise<number | null>((resolve) => {
          if (worker === undefined || worker.isDead()) return resolve(0);
          // Killed by the signal itself (a terminal's Ctrl-C reaches every
          // worker too): it was still starting and served nothing.
          worker.once('exit', (code, by) =>
            resolve(by === 'SIGTERM' || by === 'SIGINT' ? 0 : code),
          );
          worker.process.kill('SIGTERM');
        }),
    );
    // A worker that cut requests off at its grace period exited 1: so does the whole.
    const codes = await Promise.all(exited);
    await simulator?.close();
    logger.info('stopped');
    process.exit(codes.every((code) => code === 0) ? exitCode : 1);
  };

  const deaths: number[] = [];
  cluster.on('exit', (worker, code, signal) => {
    const now = Date.now();
    const uptime = now - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    listening.delete(worker);
    heartbeats.exited(worker);
    forgetQuestionsTo(worker);
    callerShares?.forget(worker);
    void hostMetrics.retire(worker.id);
    if (stopping) return;
    if (!anyListened) {
      // The worker said why (a port in use through the message above, written
      // once); restarting it would only fail the same way.
      logger.error({ worker: worker.id, code, signal }, 'a worker failed to start; stopping');
      void stop(1);
      return;
    }
    deaths.push(now);
    while (deaths[0]! <= now - CRASH_LOOP_WINDOW_MS) deaths.shift();
    if (deaths.length >= Math.max(CRASH_LOOP_DEATHS, workers)) {
      logger.error(
        { worker: worker.id, code, signal, deaths: deaths.length, windowMs: CRASH_LOOP_WINDOW_MS },
        'workers keep dying; stopping',
      );
      void stop(1);
      return;
    }
    logger.error({ worker: worker.id, code, signal }, 'worker died; starting another');
    // A worker that dies at once would otherwise be restarted in a tight loop.
    setTimeout(fork, uptime < 1000 ? 1000 : 0);
  });
  for (let i = 0; i < workers; i++) fork();
  logger.info({ workers }, 'cluster primary started');
}

/**
 * Sends to a worker unless its channel has closed, and calls `lost` when the
 * message cannot go. A send to a worker that died meanwhile would otherwise
 * emit 'error' on it, which nothing listens for, and take the primary and
 * every worker down; the exit itself is handled where workers are restarted.
 */
function sendTo(
  worker: Worker,
  message: MetricsQuestion | Answer | CallerEntered | Ping,
  lost?: () => void,
): void {
  if (!worker.isConnected()) {
    lost?.();
    return;
  }
  worker.send(message, undefined, (error) => {
    if (error) lost?.();
  });
}
