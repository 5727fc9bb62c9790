/**
 * Harness side of profiling (the child side is profiler.ts): where a
 * profile says a contender's bytes are allocated or its CPU time goes,
 * grouped by package and function, largest first.
 */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  callFrame: CallFrame;
  id: number;
  children: ProfileNode[];
}

export interface SamplingHeapProfile {
  head: ProfileNode;
  samples: { size: number; nodeId: number }[];
}

/** A V8 CPU profile: samples are node ids, each followed by the µs until the next. */
export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

export interface AllocationSite {
  /** `package function` or `src/file function`. */
  site: string;
  bytes: number;
  share: number;
}

/** Sampled bytes per allocating function (V8 scales each sample to the bytes it stands for). */
export function allocationSites(profile: SamplingHeapProfile): AllocationSite[] {
  const frames = new Map<number, CallFrame>();
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

/**
 * Self time per function, in µs. The profiler's idle samples (the event loop
 * waiting) are left out; `(garbage collector)` and `(program)`, V8's own
 * work, stay in, as they are part of the CPU a request costs.
 */
export function cpuSites(profile: CpuProfile): { site: string; micros: number }[] {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const bySite = new Map<string, number>();
  profile.samples.forEach((nodeId, i) => {
    const frame = frames.get(nodeId);
    if (!frame || frame.functionName === '(idle)') return;
    // timeDeltas[i] is the time before sample i; the time it stands for follows it.
    const micros = profile.timeDeltas[i + 1] ?? 0;
    const site = `${origin(frame.url)} ${frame.functionName || '(anonymous)'}`;
    bySite.set(site, (bySite.get(site) ?? 0) + micros);
  });
  return [...bySite]
    .map(([site, micros]) => ({ site, micros }))
    .sort((a, b) => b.micros - a.micros);
}

/** A package name, a path under src/ or bench/, or the URL as V8 gave it (built-ins). */
function origin(url: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1]!;
  const own = /\/((?:src|bench)\/.+)$/.exec(url);
  return own ? own[1]! : url || '(native)';
}
