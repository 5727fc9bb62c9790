/**
 * Overload mode (PERFORMANCE.md T6): each contender (the gateway and the raw
 * baseline unless `--only` names others) first shows its own closed-loop
 * capacity on a shape, then gets 150 % of it at a fixed arrival rate for
 * `--overload-seconds` from many sockets, as from many callers. What counts
 * is how it fails: answers shed at once with 503, or every answer late and
 * callers timing out. Written to `bench/results/overload-<date>.json`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSimulatorData } from '../../src/simulator/index.js';
import type { Child } from './children.js';
import { CONTENDERS, type ContenderSpec } from './contenders.js';
import { throughputPass } from './load.js';
import { notMeasured } from './notMeasured.js';
import { probe } from './probe.js';
import { warmUpFurther } from './warmUp.js';
import { openLoopPass } from './openLoop.js';
import type { BenchOptions } from './options.js';
import { stamp } from './report.js';
import { createShapes } from './shapes.js';
import { percentile } from './stats.js';

const OVERLOAD = 1.5;
/** Sockets of the load generator: more than the gateway's default in-flight limit of 512. */
const CONNECTIONS = 1024;

export interface OverloadResult {
  contender: string;
  shape: string;
  /** Closed-loop req/s just before. */
  capacity: number;
  /** Requests sent per second: OVERLOAD × capacity. */
  rate: number;
  sent: number;
  /** Correct 200 answers. */
  answered: number;
  /** 503 answers. */
  shed: number;
  /** Everything else: other statuses, wrong bodies, timeouts (10 s), socket errors. */
  failed: number;
  /** Scheduled send to the end of the answer, correct answers only, ms. */
  answeredP50Ms: number;
  answeredP99Ms: number;
  /** The same over every request, shed and failed ones included. */
  allP99Ms: number;
  maxMs: number;
  rssPeak: number;
}

export async function runOverload(
  options: BenchOptions,
  start: (spec: ContenderSpec) => Promise<Child>,
): Promise<OverloadResult[]> {
  const shapes = createShapes(createSimulatorData(1)).filter((shape) =>
    options.shapes.length > 0 ? options.shapes.includes(shape.name) : shape.name === 'customerPage',
  );
  const names = options.only.length > 0 ? options.only : ['gateway', 'raw'];
  const results: OverloadResult[] = [];
  for (const spec of CONTENDERS.filter((c) => names.includes(c.name))) {
    for (const shape of shapes) {
      const operation = shape.operations[spec.dialect];
      if (!operation) continue;
      // A fresh process per shape, so one overload does not leave the next a warm-up.
      const child = await start(spec);
      try {
        const target = { endpoint: `${child.url}/graphql`, operation, prefix: 'overload-' };
        const answer = await probe(target);
        // Else every answer equal to a wrong first one would count as answered.
        if (!answer.ok) throw new Error(notMeasured(spec.name, shape.name, answer.problem));
        const expectBody = answer.text;
        // Warmed as a round's cell is, so the capacity is the steady state's.
        const closed = { connections: options.connections, expectBody };
        const warm = await throughputPass(target, { ...closed, seconds: options.warmUpSeconds });
        await warmUpFurther(target, expectBody, warm.completed, options);
        const capacity = (await throughputPass(target, { ...closed, seconds: 5 })).perSecond;
        const rate = capacity * OVERLOAD;
        const pass = await openLoopPass(target, {
          rate,
          seconds: options.overloadSeconds,
          expectBody,
          connections: CONNECTIONS,
          preconnect: true,
        });
        const result: OverloadResult = {
          contender: spec.name,
          shape: shape.name,
          capacity,
          rate,
          sent: pass.sent,
          answered: pass.answeredLatencies.length,
          shed: pass.shed,
          failed: pass.errors - pass.shed,
          answeredP50Ms: percentile(pass.answeredLatencies, 50),
          answeredP99Ms: percentile(pass.answeredLatencies, 99),
          allP99Ms: percentile(pass.latencies, 99),
          // Not Math.max(...): past about 100 000 values it overflows the stack.
          maxMs: pass.latencies.reduce((max, ms) => Math.max(max, ms), -Infinity),
          rssPeak: (await child.stats()).maxRss,
        };
        results.push(result);
        process.stderr.write(`${summaryLine(result)}\n`);
      } finally {
        await child.stop();
      }
    }
  }
  await mkdir(options.out, { recursive: true });
  const file = join(options.out, `overload-${stamp()}.json`);
  await writeFile(file, JSON.stringify({ options, overload: OVERLOAD, results }, null, 2));
  process.stderr.write(`wrote ${file}\n`);
  return results;
}

function summaryLine(r: OverloadResult): string {
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  return (
    `overload ${r.contender} ${r.shape}: capacity ${r.capacity.toFixed(0)} req/s, sent ${r.rate.toFixed(0)} req/s; ` +
    `${r.answered} answered (p50 ${ms(r.answeredP50Ms)}, p99 ${ms(r.answeredP99Ms)}), ${r.shed} shed with 503, ${r.failed} failed; ` +
    `p99 over all ${ms(r.allP99Ms)}, max ${ms(r.maxMs)}, peak RSS ${(r.rssPeak / 1e6).toFixed(0)} MB`
  );
}
