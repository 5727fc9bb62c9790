/**
 * The primary's watch over its listening workers. A worker whose event loop
 * is stuck (a synchronous loop, a deadlock in native code) does not exit,
 * so it would never be restarted: new connections go to the others, but the
 * keep-alive connections it holds (a router's pool) hang on it, request after
 * request. Every HEARTBEAT_MS each worker is pinged; one that has not
 * answered for MISSED_BEATS of them is killed, and restarted as any worker
 * that dies. A stuck loop cannot drain, so SIGKILL: SIGTERM would wait in
 * vain.
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
  const lastAnswer = new Map<Worker, number>();
  const timer = setInterval(() => {
    const now = Date.now();
    for (const [worker, last] of lastAnswer) {
      if (now - last < HEARTBEAT_MS * MISSED_BEATS) {
        send(worker, { type: 'gateway:ping' });
        continue;
      }
      logger.error(
        { worker: worker.id, silentMs: now - last },
        'worker stopped answering; killing it',
      );
      lastAnswer.delete(worker);
      worker.process.kill('SIGKILL');
    }
  }, HEARTBEAT_MS).unref();
  return {
    listening: (worker) => void lastAnswer.set(worker, Date.now()),
    answered: (worker) => {
      if (lastAnswer.has(worker)) lastAnswer.set(worker, Date.now());
    },
    exited: (worker) => void lastAnswer.delete(worker),
    stop: () => clearInterval(timer),
  };
}
