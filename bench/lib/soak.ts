/**
 * Soak mode: one contender (the gateway unless `--only` names others) under
 * steady load for `--minutes`, its heap measured after forced GC every
 * segment; growth is the least-squares slope over the second half (T7).
 * A request fails on its status, or on an answer other than the first.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import autocannon from 'autocannon';
import { join } from 'node:path';
import { createSimulatorData } from '../../src/simulator/index.js';
import type { Child } from './children.js';
import { CONTENDERS, type ContenderSpec } from './contenders.js';
import type { BenchOptions } from './options.js';
import { createShapes } from './shapes.js';
import { failedRequests, headersFor, sameAnswer } from './load.js';
import { probe } from './probe.js';
import { slope } from './stats.js';
import { stamp } from './report.js';

export interface SoakSample {
  minute: number;
  rss: number;
  heapAfterGc: number;
  perSecond: number;
  /** Non-2xx, socket errors, timeouts and answers other than the first. */
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
      const endpoint = `${child.url}/graphql`;
      // Every later answer must be the first one, as in the comparison: a
      // contender that starts failing or answering wrongly is not "steady".
      const requests = await Promise.all(
        shapes
          .filter((shape) => !shape.optIn && shape.operations[spec.dialect] !== undefined)
          .map(async (shape) => {
            const operation = shape.operations[spec.dialect]!;
            const first = await probe({ endpoint, operation, prefix: `soak-${shape.name}-` });
            if (!first.ok) throw new Error(`soak: ${spec.name} on ${shape.name}: ${first.problem}`);
            return { operation, expectBody: first.text };
          }),
      );
      const samples: SoakSample[] = [];
      // At least four, so that the second half has two points to fit a slope to.
      const segments = Math.max(4, Math.round((options.minutes * 60) / SEGMENT_SECONDS));
      let n = 0;
      for (let segment = 1; segment <= segments; segment++) {
        let mismatches = 0;
        const result = await autocannon({
          url: endpoint,
          connections,
          duration: SEGMENT_SECONDS,
          requests: requests.map(({ operation, expectBody }) => ({
            method: 'POST' as const,
            body: JSON.stringify(operation),
            setupRequest: (req) => ({
              ...req,
              headers: headersFor(`soak-${n++}`, operation.headers),
            }),
            onResponse: (status, answer) => {
              if (status === 200 && !sameAnswer(answer, expectBody)) mismatches++;
            },
          })),
        });
        await simulator.call('clear');
        const stats = await child.statsAfterGc();
        samples.push({
          minute: (segment * SEGMENT_SECONDS) / 60,
          rss: stats.rss,
          heapAfterGc: stats.heapUsed,
          // `total` counts responses; socket errors and timeouts never had one.
          perSecond: (result.requests.total - result.non2xx - mismatches) / result.duration,
          errors: failedRequests(result, mismatches),
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
