/**
 * What a process's garbage collector is asked to do: the bytes it allocates
 * on the V8 heap (garbage included), the bytes its young-generation
 * collections promote to the old generation, and the time its collections
 * take. Allocation sets how often a scavenge pauses some request; what
 * survives a scavenge sets how long the pause is, and is found dead only by
 * a full collection later.
 *
 * V8 keeps no running totals, so they are rebuilt from the collections: a
 * `GCProfiler` reports each one's cost and heap before and after; it is
 * restarted at every sample so the list it holds stays short. Between two
 * samples, allocated = growth of the used heap + what every collection in
 * between freed.
 */
import { GCProfiler, getHeapStatistics } from 'node:v8';

/** Running totals since the sampler was made. */
export interface HeapCounts {
  allocatedBytes: number;
  /** Old-generation growth across young-generation collections. */
  promotedBytes: number;
  /** Time spent in collections of either generation, microseconds. */
  gcMicros: number;
  /** Young-generation collections. */
  scavenges: number;
  /**
   * The young generation's capacity at the latest collection, bytes. V8 sizes
   * it by what survives and may shrink it when allocation slows down; the
   * smaller it is, the more often a scavenge finds a request's objects alive.
   */
  newSpaceBytes: number;
}

/** Returns a sampler: each call gives the totals since the sampler was made. */
export function heapSampler(): () => HeapCounts {
  let profiler = started();
  let usedBefore = getHeapStatistics().used_heap_size;
  const totals: HeapCounts = {
    allocatedBytes: 0,
    promotedBytes: 0,
    gcMicros: 0,
    scavenges: 0,
    newSpaceBytes: 0,
  };
  return () => {
    const collections = profiler.stop().statistics;
    const used = getHeapStatistics().used_heap_size;
    let freed = 0;
    for (const { gcType, cost, beforeGC, afterGC } of collections) {
      freed += beforeGC.heapStatistics.usedHeapSize - afterGC.heapStatistics.usedHeapSize;
      totals.gcMicros += cost;
      if (gcType === 'Scavenge') {
        totals.promotedBytes += oldSpaceUsed(afterGC) - oldSpaceUsed(beforeGC);
        totals.scavenges++;
      }
      totals.newSpaceBytes = spaceOf(afterGC, 'new_space')?.spaceSize ?? totals.newSpaceBytes;
    }
    totals.allocatedBytes += used - usedBefore + freed;
    usedBefore = used;
    profiler = started();
    return { ...totals };
  };
}

type HeapAt = ReturnType<GCProfiler['stop']>['statistics'][number]['afterGC'];

const spaceOf = (heap: HeapAt, name: string) =>
  heap.heapSpaceStatistics.find((space) => space.spaceName === name);

const oldSpaceUsed = (heap: HeapAt): number => spaceOf(heap, 'old_space')?.spaceUsedSize ?? 0;

function started(): GCProfiler {
  const profiler = new GCProfiler();
  profiler.start();
  return profiler;
}
