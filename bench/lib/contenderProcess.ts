/**
 * The child side of the benchmark's process protocol. Every contender (and
 * the simulator) runs in its own process so its CPU time and memory are its
 * own; the harness asks it for `process.cpuUsage()` and `memoryUsage()` over
 * the IPC channel, which costs nothing on the request path.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { heapSampler } from './allocation.js';
import { saveProfile, startProfile, type ProfileKind } from './profiler.js';

/** What the harness may ask a child. */
export type Request =
  | { type: 'stats'; id: number }
  | { type: 'gc'; id: number }
  | { type: 'call'; id: number; name: string; args: unknown }
  | { type: 'startProfile'; id: number; kind: ProfileKind }
  | { type: 'saveProfile'; id: number; path: string }
  | { type: 'stop'; id: number };

/** One sample of a process's resources. */
export interface ProcessStats {
  /** Microseconds of CPU since the process started (user + system). */
  cpuMicros: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Peak resident set size so far, bytes. */
  maxRss: number;
  /** Event-loop delay p99 since the previous sample, milliseconds. */
  loopDelayP99Ms: number;
  /** Bytes allocated on the V8 heap since the process started, garbage included (allocation.ts). */
  allocatedBytes: number;
  /** Bytes young-generation collections promoted to the old generation since the process started. */
  promotedBytes: number;
  /** Microseconds spent in garbage collection since the process started. */
  gcMicros: number;
  /** Young-generation collections since the process started. */
  scavenges: number;
  /** The young generation's capacity at the latest collection, bytes (allocation.ts). */
  newSpaceBytes: number;
}

export interface ChildHandle {
  /** Base URL the child serves on (empty for a child that serves nothing). */
  url: string;
  /** Extra calls the harness may make by name (the simulator's log analysis). */
  calls?: Record<string, (args: never) => unknown>;
  close(): Promise<void>;
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const heap = heapSampler();

export function sampleStats(): ProcessStats {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const p99 = loopDelay.percentile(99) / 1e6;
  loopDelay.reset();
  return {
    cpuMicros: cpu.user + cpu.system,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    maxRss: process.resourceUsage().maxRSS * 1024,
    loopDelayP99Ms: p99,
    ...heap(),
  };
}

/**
 * Starts the child's server and answers the harness until told to stop.
 * Anything thrown at start-up is reported and ends the process with 1.
 */
export function runChild(start: () => Promise<ChildHandle>): void {
  const send = (message: unknown) => process.send?.(message);
  start().then(
    (handle) => {
      process.on('message', (message: Request) => {
        void answer(handle, message).then(send, (error: unknown) =>
          send({ type: 'error', id: message.id, message: String(error) }),
        );
      });
      send({ type: 'ready', url: handle.url });
    },
    (error: unknown) => {
      process.stderr.write(`The contender failed to start: ${String(error)}\n`);
      process.exit(1);
    },
  );
  // The harness going away must not leave servers running.
  process.on('disconnect', () => process.exit(0));
}

async function answer(handle: ChildHandle, message: Request): Promise<unknown> {
  switch (message.type) {
    case 'stats':
      return { type: 'result', id: message.id, value: sampleStats() };
    case 'gc':
      // Two passes: the first may only queue finalizers.
      globalThis.gc?.();
      globalThis.gc?.();
      return { type: 'result', id: message.id, value: sampleStats() };
    case 'call': {
      const call = handle.calls?.[message.name];
      if (!call) throw new Error(`The child has no call named ${message.name}.`);
      return { type: 'result', id: message.id, value: await call(message.args as never) };
    }
    case 'startProfile':
      await startProfile(message.kind);
      return { type: 'result', id: message.id, value: null };
    case 'saveProfile':
      await saveProfile(message.path);
      return { type: 'result', id: message.id, value: null };
    case 'stop':
      await handle.close();
      setImmediate(() => process.exit(0));
      return { type: 'result', id: message.id, value: null };
  }
}
