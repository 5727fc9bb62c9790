import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heapSampler } from '../../bench/lib/allocation.js';
import { allocationSites, type SamplingHeapProfile } from '../../bench/lib/profileSites.js';
import { saveProfile, startProfile } from '../../bench/lib/profiler.js';

describe("the benchmark's heap counter", () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options?: { type: 'minor' }) => void;

  it('counts bytes that garbage collection has already freed', () => {
    const sampler = heapSampler();
    const start = sampler();
    // A million objects of at least 16 bytes, dropped and collected before
    // the sample: the used heap is back where it was, so only the bytes the
    // collection freed can account for them.
    let created = 0;
    for (let batch = 0; batch < 10; batch++) {
      created += Array.from({ length: 100_000 }, (_, i) => ({ i, batch })).length;
    }
    gc();
    const end = sampler();

    expect(created).toBe(1_000_000);
    expect(end.allocatedBytes - start.allocatedBytes).toBeGreaterThan(16e6);
    expect(end.allocatedBytes - start.allocatedBytes).toBeLessThan(400e6);
    expect(end.gcMicros).toBeGreaterThan(start.gcMicros);
  });

  it('counts what young-generation collections promote, and only that', () => {
    const sampler = heapSampler();
    const start = sampler();
    // Garbage only: each scavenge finds it dead.
    let created = 0;
    for (let i = 0; i < 200_000; i++) created += [i, i].length;
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    const garbage = sampler();
    // About 8 MB that lives through two scavenges: promoted.
    const kept = Array.from({ length: 200_000 }, (_, i) => ({ i, twice: i * 2 }));
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    const survivors = sampler();

    expect(created).toBe(400_000);
    expect(kept).toHaveLength(200_000);
    expect(garbage.promotedBytes - start.promotedBytes).toBeLessThan(1e6);
    expect(survivors.promotedBytes - garbage.promotedBytes).toBeGreaterThan(4e6);
  });

  it('counts young-generation collections and reports their capacity', () => {
    const sampler = heapSampler();
    const start = sampler();
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    gc();
    const end = sampler();

    // The full collection is not a scavenge.
    expect(end.scavenges - start.scavenges).toBe(2);
    // Two semi-spaces of at least the 1 MB V8 starts with, at most what the flag allows.
    expect(end.newSpaceBytes).toBeGreaterThanOrEqual(1 << 20);
    expect(end.newSpaceBytes).toBeLessThanOrEqual(512 << 20);
  });
});

describe('allocation sampling', () => {
  it('writes a profile whose samples add up to the garbage allocated while it ran', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'allocation-')), 'test.heapprofile');
    await startProfile('allocations');
    let created = 0;
    for (let batch = 0; batch < 10; batch++) {
      created += Array.from({ length: 100_000 }, (_, i) => ({ i, batch })).length;
    }
    await saveProfile(file);
    const profile = JSON.parse(await readFile(file, 'utf8')) as SamplingHeapProfile;
    const sampled = profile.samples.reduce((sum, sample) => sum + sample.size, 0);

    expect(created).toBe(1_000_000);
    // At least 16 MB were allocated; V8 scales every sample to the bytes it stands for.
    expect(sampled).toBeGreaterThan(8e6);
    expect(allocationSites(profile)[0]!.site).toMatch(/benchAllocation\.test\.ts|\(native\)/);
  });
});

describe('allocation sites of a sampling heap profile', () => {
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
  const profile: SamplingHeapProfile = {
    head: {
      id: 1,
      callFrame: frame('(root)', ''),
      children: [
        {
          id: 2,
          callFrame: frame(
            'executeFields',
            'file:///app/node_modules/graphql/execution/execute.js',
          ),
          children: [
            {
              id: 3,
              callFrame: frame('encode', 'file:///app/src/resolvers/cursor.ts'),
              children: [],
            },
          ],
        },
        {
          id: 4,
          callFrame: frame('parse', 'file:///app/node_modules/@scope/pkg/index.js'),
          children: [],
        },
      ],
    },
    samples: [
      { nodeId: 2, size: 600 },
      { nodeId: 3, size: 100 },
      { nodeId: 4, size: 200 },
      { nodeId: 2, size: 100 },
    ],
  };

  it('adds the bytes up per package (or own file) and function, largest first', () => {
    expect(allocationSites(profile)).toEqual([
      { site: 'graphql executeFields', bytes: 700, share: 0.7 },
      { site: '@scope/pkg parse', bytes: 200, share: 0.2 },
      { site: 'src/resolvers/cursor.ts encode', bytes: 100, share: 0.1 },
    ]);
  });
});
