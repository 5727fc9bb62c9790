import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuSites, type CpuProfile } from '../../bench/lib/profileSites.js';
import { saveProfile, startProfile } from '../../bench/lib/profiler.js';

describe('CPU profiling between two harness messages', () => {
  it('covers what ran while it was on, and finds the busiest function first', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'cpu-')), 'test.cpuprofile');
    await startProfile('cpu');
    const spun = spinFor(300);
    await saveProfile(file);
    const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    const sites = cpuSites(profile);
    const total = sites.reduce((sum, site) => sum + site.micros, 0);

    expect(spun).toBeGreaterThan(0);
    expect(sites[0]!.site).toMatch(/benchCpuProfile\.test\.ts spinFor$/);
    // 300 ms of spinning, give or take the profiler's sampling.
    expect(sites[0]!.micros).toBeGreaterThan(200_000);
    expect(total).toBeLessThan(2_000_000);
  });

  it('refuses a second profile while one runs, and a save with none running', async () => {
    await startProfile('cpu');
    await expect(startProfile('allocations')).rejects.toThrow('already running');
    await saveProfile(join(await mkdtemp(join(tmpdir(), 'cpu-')), 'first.cpuprofile'));
    await expect(saveProfile(join(tmpdir(), 'none.cpuprofile'))).rejects.toThrow('No profile');
  });
});

describe('self time of a CPU profile', () => {
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 3, 4] },
      {
        id: 2,
        callFrame: frame('executeFields', 'file:///app/node_modules/graphql/execution/execute.js'),
      },
      { id: 3, callFrame: frame('(idle)', '') },
      { id: 4, callFrame: frame('decode', 'file:///app/src/upstream/decode.ts') },
    ],
    // Each delta is the time before its sample: a sample stands for the delta after it.
    samples: [2, 3, 4, 2, 4],
    timeDeltas: [0, 100, 500, 40, 60],
  };

  it('adds the time each sample stands for per package (or own file) and function, idle left out', () => {
    expect(cpuSites(profile)).toEqual([
      { site: 'graphql executeFields', micros: 100 + 60 },
      { site: 'src/upstream/decode.ts decode', micros: 40 },
    ]);
  });
});

/** Keeps the CPU busy for `ms` in a function the profile can name. */
function spinFor(ms: number): number {
  const until = performance.now() + ms;
  let turns = 0;
  // The clock is read rarely, so the time is the loop's own, not `now`'s.
  while (performance.now() < until) {
    for (let i = 0; i < 100_000; i++) turns = (turns * 31 + i) % 1_000_003;
  }
  return turns + 1;
}
