/**
 * A contender started through the gateway's own process entry, configured
 * only by environment as a deployment is, so that WEB_CONCURRENCY forks
 * cluster workers. No harness code runs inside it: its resources are read
 * from /proc for the process and its children (the workers) together, so
 * there are no heap figures, no event-loop delay and no forced GC.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { AS_DEPLOYED, entryScript, nodeCommand, type Child } from './children.js';
import type { ProcessStats } from './contenderProcess.js';

export interface StartEntryOptions {
  name: string;
  /** The entry file, relative to `bench/`; it runs compiled (build.ts). */
  entry: string;
  /** The checkout whose entry runs. @default this one */
  checkout?: string;
  /** WEB_CONCURRENCY. */
  workers: number;
  /** The gateway's environment (ENFUCE_BASE_URL and the rest); PORT and HOST are chosen here. */
  env: Record<string, string>;
  /** CPU list for `taskset -c`; omitted: not pinned. */
  cpus?: string;
  /** Node.js flags; cluster workers inherit them. */
  nodeArgs?: readonly string[];
  /** @default 60000 */
  startTimeoutMs?: number;
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
const PAGE_BYTES = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }));
/** The primary waits SHUTDOWN_GRACE_MS (10 s) for its workers, then one more second. */
const STOP_TIMEOUT_MS = 15_000;

export async function startEntry(options: StartEntryOptions): Promise<Child> {
  const port = await freePort();
  const script = await entryScript(options.entry, options.checkout);
  const [command, args] = nodeCommand([...(options.nodeArgs ?? []), script], options.cpus);
  const child = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      ...AS_DEPLOYED,
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: String(port),
      WEB_CONCURRENCY: String(options.workers),
      ...options.env,
    },
  });
  // The entry has no channel to notice the harness going away.
  const orphaned = () => child.kill('SIGTERM');
  process.once('exit', orphaned);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const pid = child.pid ?? -1;
  const url = `http://127.0.0.1:${port}`;
  const stats = () => treeStats(pid);
  const unanswered = () => Promise.reject(new Error(`${options.name} answers no harness calls.`));

  try {
    await waitForReady(url, pid, options, exited);
  } catch (error) {
    child.kill('SIGKILL');
    process.off('exit', orphaned);
    throw error;
  }
  return {
    name: options.name,
    url,
    pid,
    stats,
    statsAfterGc: stats,
    call: unanswered,
    startProfile: unanswered,
    saveProfile: unanswered,
    async stop() {
      process.off('exit', orphaned);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Ready: /health/ready answers 200, every worker is forked, and the whole
 * tree has gone quiet. One worker listening is enough for readiness to
 * answer, and nothing over HTTP tells the workers apart; start-up is CPU
 * work, so a quiet tree means every worker has finished it.
 */
async function waitForReady(
  url: string,
  pid: number,
  options: StartEntryOptions,
  exited: Promise<number | null>,
): Promise<void> {
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  const processes = options.workers > 1 ? options.workers + 1 : 1;
  let failed: Error | undefined;
  void exited.then((code) => {
    failed = new Error(`${options.name} exited with code ${code} before it was ready.`);
  });
  const ready = async () => {
    const answer = await fetch(`${url}/health/ready`).catch(() => undefined);
    return answer?.status === 200;
  };
  let last = await treeStats(pid);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (failed) throw failed;
    if (Date.now() > deadline) {
      throw new Error(
        `${options.name} was not ready within ${options.startTimeoutMs ?? 60_000} ms.`,
      );
    }
    const now = await treeStats(pid);
    // Under a tenth of a core over the last quarter second.
    const quiet = now.cpuMicros - last.cpuMicros < 25_000;
    last = now;
    if (quiet && (await childrenOf(pid)).length + 1 >= processes && (await ready())) return;
  }
}

/** CPU and memory of a process and its children, added up. */
async function treeStats(pid: number): Promise<ProcessStats> {
  let ticks = 0;
  let rss = 0;
  let maxRss = 0;
  for (const id of [pid, ...(await childrenOf(pid))]) {
    const [stat, status] = await Promise.all([
      readFile(`/proc/${id}/stat`, 'utf8').catch(() => ''),
      readFile(`/proc/${id}/status`, 'utf8').catch(() => ''),
    ]);
    if (!stat) continue;
    // Fields after the command name, which may itself hold spaces: state is field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    rss += Number(fields[21]) * PAGE_BYTES;
    maxRss += Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
  }
  return {
    cpuMicros: (ticks / TICKS_PER_SECOND) * 1e6,
    rss,
    heapUsed: NaN,
    heapTotal: NaN,
    external: NaN,
    maxRss,
    loopDelayP99Ms: NaN,
    allocatedBytes: NaN,
    promotedBytes: NaN,
    gcMicros: NaN,
    scavenges: NaN,
    newSpaceBytes: NaN,
  };
}

async function childrenOf(pid: number): Promise<number[]> {
  const threads = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const lists = await Promise.all(
    threads.map((thread) =>
      readFile(`/proc/${pid}/task/${thread}/children`, 'utf8').catch(() => ''),
    ),
  );
  return lists.flatMap((list) => list.split(/\s+/).filter(Boolean).map(Number));
}

/** A port nobody listens on now; the entry binds it a moment later. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
