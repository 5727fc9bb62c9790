/**
 * Profiles one contender on one shape: `npx tsx bench/profile.ts gateway customerPage`
 * writes a V8 CPU profile (open it in Chrome DevTools) to <tmpdir>/enfuce-bench-profiles/
 * after 3 s of warm-up and 5 s of closed-loop load at 16 connections.
 *
 * With `--allocations` it samples where the heap bytes are allocated instead,
 * freed objects included, and prints the largest allocation sites per request;
 * `--promoted` samples only what outlived the young generation.
 *
 * With `--windows N` it profiles nothing and prints N windows of 2 s of load
 * from a fresh process instead, each with its req/s and CPU per request: how
 * long the contender takes to reach its steady state (V8 optimizing what it
 * runs), which is what the benchmark's warm-up round must cover.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { createSimulatorData } from '../src/simulator/index.js';
import { allocationSites, type SamplingHeapProfile } from './lib/allocationProfile.js';
import { startChild } from './lib/children.js';
import { costPerRequest } from './lib/stats.js';
import { CONTENDERS, nodeFlagsOf } from './lib/contenders.js';
import { sendOnce, throughputPass, type Target } from './lib/load.js';
import { createShapes } from './lib/shapes.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    allocations: { type: 'boolean', default: false },
    promoted: { type: 'boolean', default: false },
    windows: { type: 'string' },
  },
});
const sampling = values.allocations || values.promoted;
const [name = 'gateway', shapeName = 'customerPage'] = positionals;
const spec = CONTENDERS.find((c) => c.name === name);
const shape = createShapes(createSimulatorData(1)).find((s) => s.name === shapeName);
const operation = spec && shape?.operations[spec.dialect];
if (!spec || !shape || !operation) {
  throw new Error(`Expected a contender and a shape name (got ${name} and ${shapeName}).`);
}
const dir = `${tmpdir()}/enfuce-bench-profiles/`;
await mkdir(dir, { recursive: true });
const windows = values.windows === undefined ? 0 : Number(values.windows);
if (!Number.isInteger(windows) || windows < 0) throw new Error('--windows takes a whole number.');
const cpuProfile = sampling || windows > 0 ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
const simulator = await startChild({
  name: 'simulator',
  entry: 'contenders/simulator.ts',
  cpus: '0',
});
const child = await startChild({
  name,
  entry: spec.entry,
  cpus: '1',
  nodeArgs: [...nodeFlagsOf(spec), ...cpuProfile],
  env: {
    BENCH_UPSTREAM_URL: simulator.url,
    BENCH_UPSTREAM_USER: 'bench',
    BENCH_UPSTREAM_PASSWORD: 'bench-password',
    ...spec.env,
  },
});
try {
  const target = { endpoint: `${child.url}/graphql`, operation, prefix: 'profile-' };
  const expectBody = (await sendOnce(target)).text;
  if (windows > 0) await printWindows(target, expectBody);
  else await profile(target, expectBody);
} finally {
  await child.stop();
  await simulator.stop();
}

/** Load in 2-s windows, each reported on its own. */
async function printWindows(target: Target, expectBody: string): Promise<void> {
  let answered = 0;
  for (let window = 1; window <= windows; window++) {
    const before = await child.stats();
    const load = await throughputPass(target, { seconds: 2, connections: 16, expectBody });
    const cost = costPerRequest(before, await child.stats(), load.completed);
    answered += load.completed;
    process.stderr.write(
      `${String(window * 2).padStart(3)} s, ${String(answered).padStart(5)} requests: ${load.perSecond.toFixed(0)} req/s, ${cost.cpuMicros.toFixed(0)} µs CPU and ${cost.gcMicros.toFixed(0)} µs of GC per request, ${load.errors} errors\n`,
    );
  }
}

/** 3 s of warm-up, then 5 s profiled (CPU, or allocations when sampling). */
async function profile(target: Target, expectBody: string): Promise<void> {
  await throughputPass(target, { seconds: 3, connections: 16, expectBody });
  if (sampling) await child.startAllocationSampling(values.promoted);
  const before = await child.stats();
  const load = await throughputPass(target, { seconds: 5, connections: 16, expectBody });
  const after = await child.stats();
  const cost = costPerRequest(before, after, load.completed);
  const file = `${dir}${name}-${shapeName}.heapprofile`;
  if (sampling) await child.saveAllocationSampling(file);
  process.stderr.write(
    `${name} ${shapeName}: ${load.perSecond.toFixed(0)} req/s, ${cost.cpuMicros.toFixed(0)} µs CPU${sampling ? ' (the sampler included)' : ''} and ${(cost.allocatedBytes / 1e3).toFixed(0)} KB allocated, ${(cost.promotedBytes / 1e3).toFixed(1)} KB promoted and ${cost.gcMicros.toFixed(0)} µs of GC per request, ${load.errors} errors; profile in ${sampling ? file : dir}\n`,
  );
  if (sampling) {
    // V8 scales each sample to the bytes it stands for, so sums are estimates of bytes.
    const sites = allocationSites(JSON.parse(await readFile(file, 'utf8')) as SamplingHeapProfile);
    const kbPerRequest = (bytes: number) => (bytes / Math.max(1, load.completed) / 1e3).toFixed(1);
    const sampled = sites.reduce((sum, site) => sum + site.bytes, 0);
    process.stderr.write(
      `sampled ${kbPerRequest(sampled)} KB per request${values.promoted ? ' that outlived the young generation' : ''}:\n`,
    );
    for (const { site, bytes, share } of sites.slice(0, 15)) {
      process.stderr.write(
        `${(share * 100).toFixed(1).padStart(5)} %  ${kbPerRequest(bytes).padStart(6)} KB/req  ${site}\n`,
      );
    }
  }
}
