/**
 * The child side of profiling: V8's profilers, driven over the inspector
 * between two messages from the harness, so a profile covers exactly the
 * window the harness measures. `--cpu-prof` would cover the whole process:
 * start-up, warm-up and shutdown included, which are not what a steady
 * contender spends its time on.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/**
 * `cpu`: where the time goes (self time by function). `allocations`: where
 * the V8 heap bytes are allocated, freed objects included (by default the
 * sampler reports only what is still alive, which hides per-request garbage).
 * `promoted`: only what outlived young-generation collections, the objects
 * that make those collections long and fill the old generation.
 */
export type ProfileKind = 'cpu' | 'allocations' | 'promoted';

let running: { session: Session; kind: ProfileKind } | undefined;

export async function startProfile(kind: ProfileKind): Promise<void> {
  if (running) throw new Error('A profile is already running.');
  const session = new Session();
  session.connect();
  if (kind === 'cpu') {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  } else {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: kind === 'allocations',
    });
  }
  running = { session, kind };
}

/** Stops the running profile and writes it to `path` (it opens in Chrome DevTools). */
export async function saveProfile(path: string): Promise<void> {
  if (!running) throw new Error('No profile is running.');
  const { session, kind } = running;
  running = undefined;
  const { profile } =
    kind === 'cpu'
      ? await session.post('Profiler.stop')
      : await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  await writeFile(path, JSON.stringify(profile));
}
