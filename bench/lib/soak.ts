/**
 * Soak mode: one contender (the gateway unless `--only` names others) under
 * steady load for `--minutes`, its heap measured after forced GC every
 * segment; growth is the least-squares slope over the second half (T7).
 */
import { writeFile, mkdir } from 'node:fs/promises';
import autocannon from 'autocannon';
import { join } from 'node:path';
import { createSimulatorData } from '../../src/simulator/index.js';
import type { Child } from './children.js';
import { CONTENDERS, type ContenderSpec } from './contenders.js';
import type { BenchOptions } from './options.js';
import { createShapes } from './shapes.js';
import { failedRequests } from './load.js';
import { slope } from './stats.js';
import { stamp } from './report.js';

export interface SoakSample {
  minute: number;
  rss: number;
  heapAfterGc: number;
  perSecond: number;
  errors: number;
}

export interface SoakResult {
  contender: string;
  minutes: number;
  connections: number;
  samples: SoakSample[];
  /** MB per minute, second half; NaN (null in the file) when no slope could be fitted. */
  heapGrowthMbPerMinute: number;
  rssPeak: number;
  errors: number;
}

const SEGMENT_SECONDS = 20;

export async function runSoak(
  options: BenchOptions,
  simulator: Child,
  start: (spec: ContenderSpec) => Promise<Child>,
): Promise<SoakResult[]> {
  const shapes = createShapes(createSimulatorData(1));
  const names = options.only.length > 0 ? options.only : ['gateway'];
  const results: SoakResult[] = [];
  const connections = Math.max(1, Math.round(options.connections / 4));
  for (const spec of CONTENDERS.filter((c) => names.includes(c.name))) {
    const child = await start(spec);
    try {
      const requests = shapes
        .filter((shape) => !shape.optIn)
        .map((shape) => shape.operations[spec.dialect])
        .filter((operation) => operation !== undefined)
        .map((operation) => ({ method: 'POST' as const, body: JSON.stringify(operation) }));
      const samples: SoakSample[] = [];
      // At least four, so that the second half has two points to fit a slope to.
      const segments = Math.max(4, Math.round((options.minutes * 60) / SEGMENT_SECONDS));
      let n = 0;
      for (let segment = 1; segment <= segments; segment++) {
        const result = await autocannon({
          url: `${child.url}/graphql`,
          connections,
          duration: SEGMENT_SECONDS,
          requests: requests.map((request) => ({
            ...request,
            setupRequest: (req) => ({
              ...req,
              headers: {
                'content-type': 'application/json',
                'x-request-id': `soak-${n}`,
                'x-audit-user': `soak-${n++}`,
              },
            }),
          })),
        });
        await simulator.call('clear');
        const stats = await child.statsAfterGc();
        samples.push({
          minute: (segment * SEGMENT_SECONDS) / 60,
          rss: stats.rss,
          heapAfterGc: stats.heapUsed,
          perSecond: result.requests.total / result.duration,
          errors: failedRequests(result, 0),
        });
        process.stderr.write(
          `soak ${spec.name} ${samples.at(-1)!.minute.toFixed(1)} min: heap ${(stats.heapUsed / 1e6).toFixed(1)} MB, rss ${(stats.rss / 1e6).toFixed(0)} MB\n`,
        );
      }
      const secondHalf = samples.slice(Math.floor(samples.length / 2));
      const final = await child.stats();
      results.push({
        contender: spec.name,
        minutes: options.minutes,
        connections,
        samples,
        heapGrowthMbPerMinute: slope(
          secondHalf.map((s) => ({ x: s.minute, y: s.heapAfterGc / 1e6 })),
        ),
        rssPeak: final.maxRss,
        errors: samples.reduce((sum, s) => sum + s.errors, 0),
      });
    } finally {
      await child.stop();
    }
  }
  await mkdir(options.out, { recursive: true });
  const file = join(options.out, `soak-${stamp()}.json`);
  await writeFile(file, JSON.stringify({ options, results }, null, 2));
  for (const r of results) {
    process.stderr.write(
      `soak ${r.contender}: heap growth ${r.heapGrowthMbPerMinute.toFixed(3)} MB/min over the second half, peak RSS ${(r.rssPeak / 1e6).toFixed(0)} MB, ${r.errors} errors\n`,
    );
  }
  process.stderr.write(`wrote ${file}\n`);
  return results;
}
