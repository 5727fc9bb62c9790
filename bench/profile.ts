/**
 * Profiles one contender on one shape: `npx tsx bench/profile.ts gateway customerPage`
 * writes a V8 CPU profile (open it in Chrome DevTools) to <tmpdir>/enfuce-bench-profiles/
 * after 3 s of warm-up and 5 s of closed-loop load at 16 connections.
 */
import { tmpdir } from 'node:os';
import { createSimulatorData } from '../src/simulator/index.js';
import { startChild } from './lib/children.js';
import { CONTENDERS, NODE_FLAGS } from './lib/contenders.js';
import { sendOnce, throughputPass } from './lib/load.js';
import { createShapes } from './lib/shapes.js';

const [name = 'gateway', shapeName = 'customerPage'] = process.argv.slice(2);
const spec = CONTENDERS.find((c) => c.name === name);
const shape = createShapes(createSimulatorData(1)).find((s) => s.name === shapeName);
const operation = spec && shape?.operations[spec.dialect];
if (!spec || !shape || !operation) {
  throw new Error(`Expected a contender and a shape name (got ${name} and ${shapeName}).`);
}
const dir = `${tmpdir()}/enfuce-bench-profiles/`;
const simulator = await startChild({
  name: 'simulator',
  entry: 'contenders/simulator.ts',
  cpus: '0',
});
const child = await startChild({
  name,
  entry: spec.entry,
  cpus: '1',
  nodeArgs: [...(spec.nodeFlags ?? NODE_FLAGS), '--cpu-prof', `--cpu-prof-dir=${dir}`],
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
  await throughputPass(target, { seconds: 3, connections: 16, expectBody });
  const before = await child.stats();
  const load = await throughputPass(target, { seconds: 5, connections: 16, expectBody });
  const after = await child.stats();
  const cpu = (after.cpuMicros - before.cpuMicros) / Math.max(1, load.completed);
  process.stderr.write(
    `${name} ${shapeName}: ${load.perSecond.toFixed(0)} req/s, ${cpu.toFixed(0)} µs CPU per request, ${load.errors} errors; profile in ${dir}\n`,
  );
} finally {
  await child.stop();
  await simulator.stop();
}
