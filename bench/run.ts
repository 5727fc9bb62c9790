/**
 * `npm run bench`: the simulator, this gateway, the raw and naive baselines
 * and Hive Gateway/Mesh, each in its own process, measured side by side in
 * interleaved closed-loop rounds, then at a fixed arrival rate (open loop).
 * `npm run bench -- --soak --minutes N` runs the soak instead,
 * `npm run bench -- --overload` the overload test, and `npm run bench --
 * --faults` the gateway under load while the issuer fails. See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { relative } from 'node:path';
import { createSimulatorData } from '../src/simulator/index.js';
import { startChild, type Child } from './lib/children.js';
import {
  CONTENDERS,
  baseContender,
  hasBase,
  nodeFlagsOf,
  type ContenderSpec,
} from './lib/contenders.js';
import { startEntry } from './lib/entryProcess.js';
import { measureExactCost } from './lib/exactCost.js';
import { notMeasured } from './lib/notMeasured.js';
import { probe, unlikeRaw } from './lib/probe.js';
import { measureCell, type CellResult } from './lib/measure.js';
import { runOpenLoop, summarizeOpenLoop } from './lib/openLoopPhase.js';
import { isFullRun, parseOptions, type BenchOptions } from './lib/options.js';
import { writeReport } from './lib/report.js';
import { createShapes, type Shape } from './lib/shapes.js';
import { seededRandom, shuffledInGroups } from './lib/stats.js';
import { summarize, type ContenderTotals } from './lib/summarize.js';
import { runKeepAliveBench } from './lib/keepAlive.js';
import { runParseBench } from './lib/parseBench.js';
import { runFaults } from './lib/faults.js';
import { runOverload } from './lib/overload.js';
import { runSoak } from './lib/soak.js';
import { warmUpFurther } from './lib/warmUp.js';

const UPSTREAM = { username: 'bench', password: 'bench-password' };

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(options: BenchOptions): Promise<void> {
  const started = Date.now();
  if (options.pin) pinSelf('0');
  const simulator = await startChild({
    name: 'simulator',
    entry: 'contenders/simulator.ts',
    cpus: options.pin ? '0' : undefined,
    env: {
      BENCH_LATENCY_MS: String(options.upstreamMs),
      BENCH_JITTER_MS: String(options.jitterMs),
    },
  });
  const children: Child[] = [simulator];
  try {
    if (options.soak) {
      await runSoak(options, simulator, (spec) => startContender(spec, simulator, options));
      return;
    }
    if (options.overload) {
      await runOverload(options, (spec) => startContender(spec, simulator, options));
      return;
    }
    if (options.faults) {
      await runFaults(options, simulator, (spec) => startContender(spec, simulator, options));
      return;
    }
    const shapes = createShapes(createSimulatorData(1)).filter((shape) =>
      options.shapes.length === 0 ? !shape.optIn : options.shapes.includes(shape.name),
    );
    const selected = CONTENDERS.filter((spec) =>
      options.only.length === 0 ? !spec.optIn : options.only.includes(spec.name),
    );
    const { base } = options;
    const specs = [
      ...selected,
      ...(base === undefined
        ? []
        : selected.filter(hasBase).map((spec) => baseContender(base, spec))),
    ];
    const running: { spec: ContenderSpec; child: Child }[] = [];
    for (const spec of specs) {
      log(`starting ${spec.name}`);
      const child = await startContender(spec, simulator, options);
      children.push(child);
      running.push({ spec, child });
    }

    // One probe per cell: the answer must be a 200 without errors; it then
    // becomes the body every later answer must equal.
    const cells: {
      spec: ContenderSpec;
      child: Child;
      shape: Shape;
      expectBody: string;
      /** The answer's `data`, as JSON. */
      data: string;
    }[] = [];
    const problems: string[] = [];
    for (const { spec, child } of running) {
      for (const shape of shapes) {
        const operation = shape.operations[spec.dialect];
        if (!operation) continue;
        const answer = await probe({
          endpoint: `${child.url}/graphql`,
          operation,
          prefix: 'probe-',
        });
        if (!answer.ok) {
          problems.push(notMeasured(spec.name, shape.name, answer.problem));
          continue;
        }
        cells.push({ spec, child, shape, expectBody: answer.text, data: answer.data });
      }
    }
    for (const cell of unlikeRaw(cells)) {
      problems.push(notMeasured(cell.spec.name, cell.shape.name, "its answer differs from raw's"));
      cells.splice(cells.indexOf(cell), 1);
    }
    for (const problem of problems) log(`not measured: ${problem}`);

    // --fresh-processes: stops every contender, then starts it again in
    // the same order, and points its cells at the new process.
    const restartContenders = async () => {
      for (const entry of running) {
        await entry.child.stop();
        children.splice(children.indexOf(entry.child), 1);
        entry.child = await startContender(entry.spec, simulator, options);
        children.push(entry.child);
        for (const cell of cells) if (cell.spec === entry.spec) cell.child = entry.child;
      }
    };

    const random = seededRandom(Date.now() >>> 0);
    const results: CellResult[] = [];
    // One round over every cell: a warm-up (round 0, not kept) or a measured one.
    const runRound = async (round: number, warmUp: boolean) => {
      for (const cell of shuffledInGroups(cells, (c) => c.shape.name, random)) {
        const target = {
          endpoint: `${cell.child.url}/graphql`,
          operation: cell.shape.operations[cell.spec.dialect]!,
          prefix: `r${round}${warmUp ? 'w' : ''}-${cell.spec.name}-${cell.shape.name}-`,
        };
        const result = await measureCell({
          round,
          child: cell.child,
          simulator,
          bystanders: running.map((r) => r.child).filter((c) => c !== cell.child),
          shape: cell.shape.name,
          expectBody: cell.expectBody,
          target,
          seconds: warmUp ? options.warmUpSeconds : options.seconds,
          latencySeconds: warmUp ? Math.min(0.3, options.latencySeconds) : options.latencySeconds,
          connections: options.connections,
        });
        if (!warmUp) results.push(result);
        else {
          await warmUpFurther(target, cell.expectBody, result.throughput.completed, options);
          await simulator.call('clear');
        }
      }
    };

    log('warm-up round');
    await runRound(0, true);
    // Counted once every process is warm: counted on processes just started,
    // one request of run 0952 read as two waves even at 40 ms, most likely a
    // stall of the new process (bench/README.md). A fresh gateway's first
    // requests are counted by test/e2e/benchmarkShapes.test.ts.
    log('upstream calls and waves at a slow, steady upstream');
    const exactCost = await measureExactCost({
      cells,
      simulator,
      latency: { fixedMs: options.upstreamMs, jitterMs: options.jitterMs },
    });
    for (let round = 1; round <= options.rounds; round++) {
      if (options.freshProcesses && round > 1) {
        log(`new processes for round ${round}, warmed up`);
        await restartContenders();
        await runRound(round, true);
      }
      log(`round ${round} of ${options.rounds}`);
      await runRound(round, false);
    }

    const summaries = summarize(results, shapes);
    const openLoop =
      options.openLoopSeconds > 0
        ? await runOpenLoop({
            cells,
            summaries,
            simulator,
            rounds: options.openLoopRounds,
            seconds: options.openLoopSeconds,
            random,
            log,
          })
        : [];

    const totals: ContenderTotals[] = [];
    for (const { spec, child } of running) {
      totals.push({
        name: spec.name,
        final: await child.stats(),
        afterGc: await child.statsAfterGc(),
      });
    }
    log('sequential calls on a kept-alive socket');
    const keepAlive = await runKeepAliveBench(options, simulator, upstreamEnv(simulator));
    log('JSON parse micro-benchmark');
    const parse = await runParseBench(options);
    const files = await writeReport({
      options,
      shapes,
      contenders: running.map(({ spec }) => spec),
      summaries,
      exactCost,
      openLoop: {
        results: openLoop,
        summaries: summarizeOpenLoop(
          openLoop,
          shapes,
          running.map(({ spec }) => spec.name),
        ),
      },
      totals,
      keepAlive,
      parse,
      problems,
      cells: results,
      seconds: (Date.now() - started) / 1000,
    });
    log(`wrote ${files.join(', ')}`);
    if (isFullRun(options)) {
      log(
        `npm run bench:readme -- ${relative(process.cwd(), files[0]!)} puts this run in the README`,
      );
    }
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}

/** The load generator shares CPU 0 with the simulator; contenders get CPU 1. */
function pinSelf(cpus: string): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
  } catch {
    log('taskset is not available: nothing is pinned to a CPU');
  }
}

function startContender(
  spec: ContenderSpec,
  simulator: Child,
  options: BenchOptions,
): Promise<Child> {
  if (spec.workers !== undefined) {
    return startEntry({
      name: spec.name,
      entry: spec.entry,
      checkout: spec.checkout,
      workers: spec.workers,
      nodeArgs: nodeFlagsOf(spec),
      // Spawned processes inherit the harness's own pinning to CPU 0: widen it to every CPU.
      cpus: options.pin ? `0-${cpus().length - 1}` : undefined,
      env: {
        ENFUCE_BASE_URL: simulator.url,
        ENFUCE_USERNAME: UPSTREAM.username,
        ENFUCE_PASSWORD: UPSTREAM.password,
        // As over the built-in simulator: callers need no token.
        AUTH_DISABLED: 'true',
        ...spec.env,
      },
    });
  }
  return startChild({
    name: spec.name,
    entry: spec.entry,
    checkout: spec.checkout,
    cpus: options.pin ? '1' : undefined,
    nodeArgs: nodeFlagsOf(spec),
    env: { ...upstreamEnv(simulator), ...spec.env },
  });
}

/** How an in-process contender finds the simulator (contenders/upstreamEnv.ts). */
function upstreamEnv(simulator: Child): Record<string, string> {
  return {
    BENCH_UPSTREAM_URL: simulator.url,
    BENCH_UPSTREAM_USER: UPSTREAM.username,
    BENCH_UPSTREAM_PASSWORD: UPSTREAM.password,
  };
}

main(parseOptions(process.argv.slice(2))).catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
