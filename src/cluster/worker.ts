/**
 * A `WEB_CONCURRENCY` worker's side of the IPC channel (primary.ts): it asks
 * the primary for the built-in simulator's URL and for the host's metrics,
 * and answers the primary's question for its own. Places in callers' shares
 * are asked for in callerShares.ts.
 */
import cluster from 'node:cluster';
import { Registry } from 'prom-client';
import type {
  Answer,
  MetricsAnswer,
  MetricsQuestion,
  MetricsReply,
  Ping,
  Pong,
  Question,
} from './messages.js';

/** Set in the environment of the workers primary.ts forks. */
export const GATEWAY_WORKER_MARK = 'ENFUCE_GATEWAY_WORKER';

/**
 * Forked by this gateway's own primary. A process manager's cluster (pm2's)
 * makes `cluster.isWorker` true too, but its primary answers none of the
 * questions below: such a process runs as a gateway on its own.
 */
export const isGatewayWorker = cluster.isWorker && process.env[GATEWAY_WORKER_MARK] === '1';
// Read once: a process this one starts is not the primary's worker.
delete process.env[GATEWAY_WORKER_MARK];

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
  // The worker's own metrics, for the primary to add up.
  process.on('message', (message: MetricsQuestion) => {
    if (message?.type !== 'gateway:metrics-question') return;
    const answer = (fields: MetricsReply) =>
      process.send!({
        type: 'gateway:metrics-answer',
        id: message.id,
        ...fields,
      } satisfies MetricsAnswer);
    registry.getMetricsAsJSON().then(
      (metrics) => answer({ metrics }),
      (error: Error) => answer({ error: error.message }),
    );
  });
  return registry;
}

/** In a worker: answers the primary's pings, which only a turning event loop can (heartbeat.ts). */
export function answerHeartbeats(): void {
  process.on('message', (message: Ping) => {
    if (message?.type === 'gateway:ping') process.send!({ type: 'gateway:pong' } satisfies Pong);
  });
}
