/**
 * Profiles one contender on one shape: `npx tsx bench/profile.ts gateway customerPage`
 * warms the contender up as a benchmark cell is (5 s, then up to the request
 * floor), profiles 5 s of closed-loop load at 16 connections (`--seconds`,
 * `--connections`; one connection is the added latency's one request at a
 * time) and nothing else, prints the functions and packages that took the
 * most CPU per request and writes the V8 CPU profile (open it in Chrome DevTools) to
 * <tmpdir>/enfuce-bench-profiles/. Its CPU per request includes the
 * profiler's own work, which differs with the code profiled: judge a change
 * by an A/B (`npm run bench -- --base`), not by that line.
 *
 * With `--allocations` it samples where the heap bytes are allocated instead,
 * freed objects included, and prints the largest allocation sites per request;
 * `--promoted` samples only what outlived the young generation.
 *
 * `--node-flags=--no-turbo-inlining` (with `=`, since the value starts with
 * a dash) adds Node.js flags to the contender's own: without that one, the
 * sampling heap profiler files what an inlined function allocates under the
 * function it was inlined into.
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
import { startChild } from './lib/children.js';
import { costPerRequest } from './lib/stats.js';
import { CONTENDERS, nodeFlagsOf } from './lib/contenders.js';
import { throughputPass, type Target } from './lib/load.js';
import { probe } from './lib/probe.js';
import { parseOptions } from './lib/options.js';
import {
  allocationSites,
  cpuSites,
  type CpuProfile,
  type SamplingHeapProfile,
} from './lib/profileSites.js';
import type { ProfileKind } from './lib/profiler.js';
import { createShapes } from './lib/shapes.js';
import { warmUpFurther } from './lib/warmUp.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    allocations: { type: 'boolean', default: false },
    promoted: { type: 'boolean', default: false },
    windows: { type: 'string' },
    connections: { type: 'string' },
    seconds: { type: 'string', default: '5' },
    'node-flags': { type: 'string', default: '' },
  },
});
const kind: ProfileKind = values.promoted ? 'promoted' : values.allocations ? 'allocations' : 'cpu';
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
const seconds = Number(values.seconds);
if (!(seconds > 0 && Number.isFinite(seconds)))
  throw new Error('--seconds takes a positive number.');
const cell = parseOptions([]);
const connections =
  values.connections === undefined ? cell.connections : Number(values.connections);
if (!Number.isInteger(connections) || connections < 1) {
  throw new Error('--connections takes a whole number from 1.');
}
const simulator = await startChild({
  name: 'simulator',
  entry: 'contenders/simulator.ts',
  cpus: '0',
});
const child = await startChild({
  name,
  entry: spec.entry,
  cpus: '1',
  nodeArgs: [...nodeFlagsOf(spec), ...values['node-flags'].split(/\s+/).filter(Boolean)],
  env: {
    BENCH_UPSTREAM_URL: simulator.url,
    BENCH_UPSTREAM_USER: 'bench',
    BENCH_UPSTREAM_PASSWORD: 'bench-password',
    ...spec.env,
  },
});
try {
  const target = { endpoint: `${child.url}/graphql`, operation, prefix: 'profile-' };
  const answer = await probe(target);
  if (!answer.ok) throw new Error(`${name} / ${shapeName}: ${answer.problem}`);
  const expectBody = answer.text;
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
    const load = await throughputPass(target, { seconds: 2, connections, expectBody });
    const cost = costPerRequest(before, await child.stats(), load.completed);
    answered += load.completed;
    process.stderr.write(
      `${String(window * 2).padStart(3)} s, ${String(answered).padStart(5)} requests: ${load.perSecond.toFixed(0)} req/s, ${cost.cpuMicros.toFixed(0)} µs CPU and ${cost.gcMicros.toFixed(0)} µs of GC per request, ${load.errors} errors\n`,
    );
  }
}

/**
 * A benchmark cell's warm-up (at a cell's connections, whatever `connections`
 * is: the one-at-a-time phase of a cell follows its closed loop), then
 * `seconds` profiled at `connections`.
 */
async function profile(target: Target, expectBody: string): Promise<void> {
  const first = await throughputPass(target, {
    seconds: cell.warmUpSeconds,
    connections: cell.connections,
    expectBody,
  });
  await warmUpFurther(target, expectBody, first.completed, cell);
  await child.startProfile(kind);
  const before = await child.stats();
  const load = await throughputPass(target, { seconds, connections, expectBody });
  const after = await child.stats();
  const cost = costPerRequest(before, after, load.completed);
  const file = `${dir}${name}-${shapeName}.${kind === 'cpu' ? 'cpuprofile' : 'heapprofile'}`;
  await child.saveProfile(file);
  process.stderr.write(
    `${name} ${shapeName}: ${load.perSecond.toFixed(0)} req/s, ${cost.cpuMicros.toFixed(0)} µs CPU (the profiler's included) and ${(cost.allocatedBytes / 1e3).toFixed(0)} KB allocated, ${(cost.promotedBytes / 1e3).toFixed(1)} KB promoted and ${cost.gcMicros.toFixed(0)} µs of GC per request, ${load.errors} errors; profile in ${file}\n`,
  );
  const perRequest = (amount: number) => amount / Math.max(1, load.completed);
  const profileJson = JSON.parse(await readFile(file, 'utf8')) as unknown;
  if (kind === 'cpu') {
    const sites = cpuSites(profileJson as CpuProfile);
    const packages = new Map<string, number>();
    for (const { site, micros } of sites) {
      const origin = site.slice(0, site.indexOf(' '));
      packages.set(origin, (packages.get(origin) ?? 0) + micros);
    }
    const top = (rows: [string, number][]) =>
      rows
        .slice(0, 20)
        .map(([site, micros]) => `${perRequest(micros).toFixed(1).padStart(8)} µs/req  ${site}\n`)
        .join('');
    process.stderr.write(`self time by function:\n${top(sites.map((s) => [s.site, s.micros]))}`);
    process.stderr.write(`by package or file:\n${top([...packages].sort((a, b) => b[1] - a[1]))}`);
    return;
  }
  // V8 scales each sample to the bytes it stands for, so sums are estimates of bytes.
  const sites = allocationSites(profileJson as SamplingHeapProfile);
  const kbPerRequest = (bytes: number) => (perRequest(bytes) / 1e3).toFixed(1);
  const sampled = sites.reduce((sum, site) => sum + site.bytes, 0);
  process.stderr.write(
    `sampled ${kbPerRequest(sampled)} KB per request${kind === 'promoted' ? ' that outlived the young generation' : ''}:\n`,
  );
  for (const { site, bytes, share } of sites.slice(0, 15)) {
    process.stderr.write(
      `${(share * 100).toFixed(1).padStart(5)} %  ${kbPerRequest(bytes).padStart(6)} KB/req  ${site}\n`,
    );
  }
}
