/**
 * Bytes a process allocates on the V8 heap, garbage included: what drives
 * its garbage collections, and with them the tail of its latency.
 *
 * V8 keeps no running total, so it is rebuilt from the collections: between
 * two samples, allocated = growth of the used heap + what every collection in
 * between freed. A `GCProfiler` reports each collection's before and after;
 * it is restarted at every sample so the list it holds stays short.
 */
import { GCProfiler, getHeapStatistics } from 'node:v8';

/** Returns a sampler: each call gives the bytes allocated since the sampler was made. */
export function allocationSampler(): () => number {
  let profiler = started();
  let usedBefore = getHeapStatistics().used_heap_size;
  let total = 0;
  return () => {
    const collections = profiler.stop().statistics;
    const used = getHeapStatistics().used_heap_size;
    let freed = 0;
    for (const { beforeGC, afterGC } of collections) {
      freed += beforeGC.heapStatistics.usedHeapSize - afterGC.heapStatistics.usedHeapSize;
    }
    total += used - usedBefore + freed;
    usedBefore = used;
    profiler = started();
    return total;
  };
}

function started(): GCProfiler {
  const profiler = new GCProfiler();
  profiler.start();
  return profiler;
}
