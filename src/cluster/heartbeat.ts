/**
 * The primary's watch over its listening workers. A worker whose event loop
 * is stuck (a synchronous loop, a deadlock in native code) does not exit,
 * so it would never be restarted: new connections go to the others, but the
 * keep-alive connections it holds (a router's pool) hang on it, request after
 * request. Every HEARTBEAT_MS each worker is pinged; one that has left
 * MISSED_BEATS pings in a row unanswered is killed, and restarted as any
 * worker that dies. A stuck loop cannot drain, so SIGKILL: SIGTERM would
 * wait in vain.
 *
 * Pings are counted, not the time since an answer: a primary paused with
 * its workers (a VM's live migration, a frozen cgroup) or a clock that
 * jumps would otherwise make every worker look silent at once.
 */
import type { Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Ping } from './messages.js';

const HEARTBEAT_MS = 5000;
const MISSED_BEATS = 3;

export interface Heartbeats {
  /** From its first `listening`: watched. */
  listening(worker: Worker): void;
  /** Its answer to a ping. */
  answered(worker: Worker): void;
  /** Gone: no longer watched. */
  exited(worker: Worker): void;
  /** The primary is stopping: workers drain, however slowly. */
  stop(): void;
}

export function watchHeartbeats(
  logger: Logger,
  send: (worker: Worker, message: Ping) => void,
): Heartbeats {
  /** Pings each watched worker has left unanswered since its last answer. */
  const unanswered = new Map<Worker, number>();
  const timer = setInterval(() => {
    for (const [worker, missed] of unanswered) {
      if (missed < MISSED_BEATS) {
        unanswered.set(worker, missed + 1);
        send(worker, { type: 'gateway:ping' });
        continue;
      }
      logger.error(
        { worker: worker.id, unansweredPings: missed },
        'worker stopped answering; killing it',
      );
      unanswered.delete(worker);
      worker.process.kill('SIGKILL');
    }
  }, HEARTBEAT_MS).unref();
  return {
    listening: (worker) => void unanswered.set(worker, 0),
    answered: (worker) => {
      if (unanswered.has(worker)) unanswered.set(worker, 0);
    },
    exited: (worker) => void unanswered.delete(worker),
    stop: () => clearInterval(timer),
  };
}
