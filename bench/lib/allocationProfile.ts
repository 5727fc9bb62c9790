/**
 * Where a contender's bytes are allocated: V8's sampling heap profiler, told
 * to keep the objects that garbage collection has already freed (by default
 * it reports only what is still alive, which hides per-request garbage).
 * The child side starts and saves the profile; the harness side groups it by
 * package and function. The saved file opens in Chrome DevTools (Memory tab).
 */
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  id: number;
  children: ProfileNode[];
}

export interface SamplingHeapProfile {
  head: ProfileNode;
  samples: { size: number; nodeId: number }[];
}

let session: Session | undefined;

/**
 * Child side: starts sampling every ~4 KB allocated. `promotedOnly` leaves
 * out what young-generation collections free, keeping what outlived them:
 * the objects that make those collections long and fill the old generation.
 */
export async function startAllocationSampling(promotedOnly = false): Promise<void> {
  session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: !promotedOnly,
  });
}

/** Child side: stops sampling and writes the profile to `path`. */
export async function saveAllocationSampling(path: string): Promise<void> {
  if (!session) throw new Error('Allocation sampling was not started.');
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  session = undefined;
  await writeFile(path, JSON.stringify(profile));
}

export interface AllocationSite {
  /** `package function` or `src/file function`. */
  site: string;
  bytes: number;
  share: number;
}

/** Harness side: sampled bytes per allocating function, largest first. */
export function allocationSites(profile: SamplingHeapProfile): AllocationSite[] {
  const frames = new Map<number, ProfileNode['callFrame']>();
  const visit = (node: ProfileNode) => {
    frames.set(node.id, node.callFrame);
    node.children.forEach(visit);
  };
  visit(profile.head);
  const bySite = new Map<string, number>();
  let total = 0;
  for (const { size, nodeId } of profile.samples) {
    const frame = frames.get(nodeId);
    const site = frame ? `${origin(frame.url)} ${frame.functionName || '(anonymous)'}` : '?';
    bySite.set(site, (bySite.get(site) ?? 0) + size);
    total += size;
  }
  return [...bySite]
    .map(([site, bytes]) => ({ site, bytes, share: total > 0 ? bytes / total : 0 }))
    .sort((a, b) => b.bytes - a.bytes);
}

/** A package name, a path under src/ or bench/, or the URL as V8 gave it (built-ins). */
function origin(url: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1]!;
  const own = /\/((?:src|bench)\/.+)$/.exec(url);
  return own ? own[1]! : url || '(native)';
}
