/**
 * The harness side of the process protocol: starts a contender (or the
 * simulator) as a child process, optionally pinned to a CPU with `taskset`,
 * waits for it to listen, and asks it for stats.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCheckout, compiledEntry } from './build.js';
import type { ProcessStats } from './contenderProcess.js';
import type { ProfileKind } from './profiler.js';

/**
 * The key every contender seals cursors with, as the replicas of a
 * deployment share one: without it each process makes its own, and a fresh
 * process's answers (their cursors) would differ from the first one's.
 */
export const BENCH_CURSOR_SECRET = 'bench-cursor-secret-0123456789';

/**
 * What every contender runs with, as a deployment does; for this gateway: no
 * stack traces, Sandbox, introspection, field suggestions or call-count
 * extension (nothing in the baselines reads it), and a shared cursor key.
 */
export const AS_DEPLOYED = { NODE_ENV: 'production', CURSOR_SECRET: BENCH_CURSOR_SECRET };

export interface Child {
  name: string;
  url: string;
  pid: number;
  stats(): Promise<ProcessStats>;
  /** Forces full garbage collection first, then samples. */
  statsAfterGc(): Promise<ProcessStats>;
  call<T>(name: string, args?: unknown): Promise<T>;
  /** Starts one of V8's profilers in the child (profiler.ts). */
  startProfile(kind: ProfileKind): Promise<void>;
  /** Stops it and writes the profile to `path`. */
  saveProfile(path: string): Promise<void>;
  stop(): Promise<void>;
}

export interface StartChildOptions {
  name: string;
  /** The entry file, relative to `bench/`; it runs compiled (build.ts). */
  entry: string;
  /** The checkout whose entry runs. @default this one */
  checkout?: string;
  env?: Record<string, string>;
  /** CPU list for `taskset -c` (e.g. "1"); omitted: not pinned. */
  cpus?: string;
  /** @default 60000 */
  startTimeoutMs?: number;
  /** Extra Node.js flags, e.g. `--max-semi-space-size=32`. */
  nodeArgs?: readonly string[];
}

const THIS_CHECKOUT = fileURLToPath(new URL('../..', import.meta.url));
const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((path) => existsSync(path));

/** This Node.js with `nodeArgs`, under `taskset -c cpus` when given (and taskset exists). */
export function nodeCommand(nodeArgs: string[], cpus?: string): [string, string[]] {
  return cpus && TASKSET
    ? [TASKSET, ['-c', cpus, process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
}

/** The compiled script of `entry` (relative to `bench/`) in `checkout`, built on first use. */
export async function entryScript(entry: string, checkout = THIS_CHECKOUT): Promise<string> {
  return compiledEntry(await buildCheckout(checkout), entry);
}

export async function startChild(options: StartChildOptions): Promise<Child> {
  const script = await entryScript(options.entry, options.checkout);
  const [command, args] = nodeCommand(
    ['--expose-gc', ...(options.nodeArgs ?? []), script],
    options.cpus,
  );
  const child = spawn(command, args, {
    // Only gateway-logging writes to stdout: its lines go to /dev/null, which
    // is cheaper than a production pipe, so its figure is a lower bound.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, ...AS_DEPLOYED, ...options.env },
  });

  const pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (e: Error) => void }
  >();
  let nextId = 0;
  child.on(
    'message',
    (message: { type: string; id?: number; value?: unknown; message?: string }) => {
      const waiter = message.id === undefined ? undefined : pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id!);
      if (message.type === 'error') waiter.reject(new Error(`${options.name}: ${message.message}`));
      else waiter.resolve(message.value);
    },
  );
  child.on('exit', () => {
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`${options.name} exited while the harness waited for an answer.`));
    }
    pending.clear();
  });

  const url = await waitForReady(child, options);
  const ask = <T>(message: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...message, id });
    });

  return {
    name: options.name,
    url,
    pid: child.pid ?? -1,
    stats: () => ask<ProcessStats>({ type: 'stats' }),
    statsAfterGc: () => ask<ProcessStats>({ type: 'gc' }),
    call: <T>(name: string, args?: unknown) => ask<T>({ type: 'call', name, args }),
    startProfile: (kind: ProfileKind) => ask<void>({ type: 'startProfile', kind }),
    saveProfile: (path: string) => ask<void>({ type: 'saveProfile', path }),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await ask({ type: 'stop' }).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function waitForReady(child: ChildProcess, options: StartChildOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${options.name} did not start within ${options.startTimeoutMs ?? 60_000} ms.`),
      );
    }, options.startTimeoutMs ?? 60_000);
    const onMessage = (message: { type: string; url?: string }) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message.url ?? '');
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with code ${code} before it was ready.`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
