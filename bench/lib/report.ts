/**
 * Writes a run's results: `<stamp>.json` (everything, per round), a
 * Markdown report and an SVG chart, plus `latest.*` copies the README
 * points at.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { nodeFlagsOf, type ContenderSpec } from './contenders.js';
import { EXACT_LATENCY_MS, EXACT_REQUESTS, type ExactCost } from './exactCost.js';
import { fmt, fmtSpread, mb } from './format.js';
import { readLaterFiles } from './laterFiles.js';
import { closedLoopSeconds } from './load.js';
import type { CellResult } from './measure.js';
import type { OpenLoopResult, OpenLoopSummary } from './openLoopPhase.js';
import { isFullRun, warmUpLimitSeconds, type BenchOptions } from './options.js';
import { KEEP_ALIVE_P50_GOAL_MS, type KeepAliveResult } from './keepAlive.js';
import type { ParseResult } from './parseBench.js';
import type { Shape } from './shapes.js';
import type { SoakResult } from './soak.js';
import { spread } from './stats.js';
import type { CellSummary, ContenderTotals } from './summarize.js';
import {
  OPEN_LOOP_PERCENT,
  describeCost,
  describeMinimum,
  evaluateTargets,
  type TargetRow,
} from './targets.js';
import { renderChart } from './chart.js';

export interface RunReport {
  options: BenchOptions;
  shapes: Shape[];
  contenders: ContenderSpec[];
  summaries: CellSummary[];
  exactCost: ExactCost[];
  openLoop: { results: OpenLoopResult[]; summaries: OpenLoopSummary[] };
  totals: ContenderTotals[];
  keepAlive: KeepAliveResult[];
  parse: ParseResult[];
  problems: string[];
  cells: CellResult[];
  seconds: number;
}

/** The JSON file of a run named by `stamp()` alone, as `npm run bench` writes it. */
export const STAMPED_RUN = /^\d{4}-\d{2}-\d{2}-\d{4}\.json$/;

/** `2025-01-31-1405`: sorts by time, safe in file names. */
export function stamp(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}`;
}

export async function writeReport(report: RunReport): Promise<string[]> {
  const out = report.options.out;
  await mkdir(out, { recursive: true });
  const name = report.options.label === undefined ? stamp() : `${stamp()}-${report.options.label}`;
  const later = await readLaterFiles(out);
  const soak = later.soak?.results ?? null;
  const targets = evaluateTargets(report, later);
  const environment = describeEnvironment();
  const json = join(out, `${name}.json`);
  const md = join(out, `${name}.md`);
  const svg = join(out, `${name}.svg`);
  // Per-request samples stay out of the file; the summaries hold their percentiles.
  const cells = report.cells.map(({ requests, ...cell }) => ({
    ...cell,
    requests: requests.length,
  }));
  const openLoop = {
    ...report.openLoop,
    results: report.openLoop.results.map(({ latencies: _latencies, ...result }) => result),
  };
  await writeFile(
    json,
    JSON.stringify({ environment, targets, soak, ...report, cells, openLoop }, null, 1),
  );
  await writeFile(md, renderMarkdown(report, targets, environment, soak));
  await writeFile(svg, renderChart(report.summaries, report.contenders, report.shapes));
  if (!isFullRun(report.options)) return [json, md, svg];
  await copyFile(md, join(out, 'latest.md'));
  await copyFile(svg, join(out, 'latest.svg'));
  return [json, md, svg, join(out, 'latest.md'), join(out, 'latest.svg')];
}

function describeEnvironment(): Record<string, string> {
  const version = (name: string, root = '../../') => {
    try {
      const file = new URL(`${root}node_modules/${name}/package.json`, import.meta.url);
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    } catch {
      return 'n/a';
    }
  };
  return {
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    graphql: version('graphql'),
    '@apollo/server': version('@apollo/server'),
    fastify: version('fastify'),
    undici: version('undici'),
    dataloader: version('dataloader'),
    '@graphql-hive/gateway-runtime': version('@graphql-hive/gateway-runtime', '../'),
    '@omnigraph/openapi': version('@omnigraph/openapi', '../'),
  };
}

const verdictText = (met: TargetRow['met']) =>
  met === null ? '–' : met === 'rerun' ? 'rerun' : met ? 'yes' : '**no**';

/** How much of the shared core the contenders not being measured took during load windows. */
function bystanderText(cells: readonly CellResult[]): string {
  const shares = spread(cells.map((c) => c.bystanderCpuShare * 100).filter(Number.isFinite));
  if (shares.n === 0) return '';
  return ` The other contenders, idle on the same core, used ${fmt(shares.median, 1)} % of it (at most ${fmt(shares.max, 1)} %) during a cell's load window.`;
}

function renderMarkdown(
  report: RunReport,
  targets: TargetRow[],
  environment: Record<string, string>,
  soak: SoakResult[] | null,
): string {
  const { options, summaries, shapes, contenders } = report;
  const lines: string[] = [];
  const order = contenders.map((c) => c.name);
  const rowsFor = (shape: Shape) =>
    summaries
      .filter((s) => s.shape === shape.name)
      .sort((a, b) => order.indexOf(a.contender) - order.indexOf(b.contender));

  lines.push(`# Benchmark run ${stamp()}`, '');
  lines.push(
    `${options.rounds} interleaved rounds after a warm-up round of ${options.warmUpSeconds} s and at least ${options.warmUpRequests} requests per cell (at most ${warmUpLimitSeconds(options)} s); closed loop at ${options.connections} connections for ${options.seconds} s per cell (about ${closedLoopSeconds(options.seconds)} s: autocannon ends at its next whole second), then one request at a time for ${options.latencySeconds} s; simulator latency ${options.upstreamMs} ms + [0, ${options.jitterMs}) ms; contenders ${options.pin ? `pinned to CPU 1${contenders.some((c) => c.workers !== undefined) ? ' (those through the process entry on every CPU)' : ''}, simulator and load generator to CPU 0` : 'not pinned'}. Each round measures one shape's contenders back to back, shapes and contenders in shuffled order. Medians with (min–max) over rounds; ratios are taken within each round.${options.freshProcesses ? ' Every round after the first ran on newly started contender processes, warmed up the same way (`--fresh-processes`); upstream calls and waves were counted on the first processes, peak RSS and the open loop on the last.' : ''} Run took ${fmt(report.seconds / 60, 1)} min.${bystanderText(report.cells)}`,
    '',
  );
  lines.push(
    Object.entries(environment)
      .map(([k, v]) => `${k} ${v}`)
      .join(' · '),
    '',
  );

  lines.push('## Targets', '', '| target | goal | measured | met |', '| --- | --- | --- | --- |');
  for (const t of targets) {
    lines.push(`| ${t.target} | ${t.goal} | ${t.measured} | ${verdictText(t.met)} |`);
  }
  lines.push('');

  lines.push(
    '## Throughput and CPU per request',
    '',
    'KB allocated/req counts every byte the contender allocated on its V8 heap under load, garbage included: what its garbage collections must clear, and each young-generation collection is a pause of a few milliseconds in some request. KB promoted/req is what its young-generation collections moved to the old generation: the longer part of each pause, and work for a full collection later. GC µs/req is the time its collections took, part of the CPU (bench/lib/allocation.ts).',
    '',
    '| shape | contender | req/s | ÷ raw | CPU µs/req | ÷ raw | KB allocated/req | KB promoted/req | GC µs/req | p99 under load (ms) | errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const shape of shapes) {
    for (const s of rowsFor(shape)) {
      const p99 = report.cells
        .filter((c) => c.shape === s.shape && c.contender === s.contender)
        .map((c) => c.throughput.p99Ms);
      lines.push(
        `| ${shape.title} | ${s.contender} | ${fmtSpread(s.throughput, 0)} | ${fmtSpread(s.throughputVsRaw)} | ${fmtSpread(s.cpuMicrosPerRequest, 0)} | ${fmtSpread(s.cpuVsRaw)} | ${fmt(s.allocatedBytesPerRequest.median / 1e3, 0)} | ${fmt(s.promotedBytesPerRequest.median / 1e3, 1)} | ${fmt(s.gcMicrosPerRequest.median, 0)} | ${fmt(spread(p99).median, 1)} | ${s.errors} |`,
      );
    }
  }
  lines.push('');

  lines.push(
    '## Latency, one request at a time',
    '',
    'Added = client-observed latency minus the union of that request’s upstream call intervals (simulator timestamps), pooled over rounds.',
    '',
    '| shape | contender | latency p50 | added p50 | added p99 | added ÷ raw (p50 / p99) |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  );
  for (const shape of shapes) {
    for (const s of rowsFor(shape)) {
      lines.push(
        `| ${shape.title} | ${s.contender} | ${fmt(s.latency.p50)} | ${fmt(s.added.p50)} | ${fmt(s.added.p99)} | ${s.addedVsRaw ? `${fmt(s.addedVsRaw.p50)} / ${fmt(s.addedVsRaw.p99)}` : 'n/a'} |`,
      );
    }
  }
  lines.push('');

  lines.push(...renderOpenLoop(report), '');

  lines.push(
    '## Upstream calls and waves per request',
    '',
    `Counted by the simulator over ${EXACT_REQUESTS} requests per cell after the warm-up round, one at a time, at a fixed ${EXACT_LATENCY_MS} ms upstream latency with no jitter, so that no pause of a contender between two calls of one wave can read as a second wave (PERFORMANCE.md T3, T4). A fresh gateway's first requests are counted by test/e2e/benchmarkShapes.test.ts.`,
    '',
    `| shape | minimum | ${order.join(' | ')} |`,
    `| --- | --- | ${order.map(() => '---').join(' | ')} |`,
  );
  for (const shape of shapes) {
    const cellsOf = order.map((name) => {
      const cost = report.exactCost.find((c) => c.shape === shape.name && c.contender === name);
      return cost ? describeCost(cost) : 'n/a';
    });
    lines.push(
      `| ${shape.title} | ${describeMinimum({ minimum: shape.minimum })} | ${cellsOf.join(' | ')} |`,
    );
  }
  lines.push('');

  lines.push(
    '## Memory',
    '',
    '| contender | peak RSS | RSS at end | heap after GC at end |',
    '| --- | ---: | ---: | ---: |',
  );
  for (const t of report.totals) {
    lines.push(
      `| ${t.name} | ${mb(t.final.maxRss)} | ${mb(t.final.rss)} | ${mb(t.afterGc.heapUsed)} |`,
    );
  }
  lines.push('');
  if (soak) {
    lines.push(
      'Latest soak: ' +
        soak
          .map(
            (s) =>
              `${s.contender} ${fmt(s.heapGrowthMbPerMinute, 3)} MB/min heap growth over the second half of ${s.minutes} min, peak RSS ${mb(s.rssPeak)}, ${s.errors} errors`,
          )
          .join('; '),
      '',
    );
  }

  if (report.keepAlive.length) {
    lines.push(
      '## Sequential calls on a kept-alive socket',
      '',
      `One call at a time on a one-socket pool, against the simulator at no latency, in interleaved rounds: undici's \`request\` alone, and the gateway's own client (exact parse, decoding, resilience policy). undici 7.28.0 to 7.29.0 waited for a timer before every reuse of a kept-alive socket, 1 to 1.5 ms a call; the goal is a p50 under ${KEEP_ALIVE_P50_GOAL_MS} ms. Sockets: how many each path opened, 1 when every call reused the first.`,
      '',
      '| path | calls | p50 (ms) | p99 (ms) | sockets |',
      '| --- | ---: | ---: | ---: | ---: |',
    );
    for (const k of report.keepAlive) {
      lines.push(
        `| ${k.path} | ${k.calls} | ${fmt(k.p50Ms, 3)} | ${fmt(k.p99Ms, 3)} | ${k.connections} |`,
      );
    }
    lines.push('');
  }

  lines.push(
    '## JSON parse of issuer bodies',
    '',
    '| payload | bytes | method | exact | µs per parse | ÷ JSON.parse |',
    '| --- | ---: | --- | --- | ---: | ---: |',
  );
  for (const p of report.parse) {
    lines.push(
      `| ${p.payload} | ${p.bytes} | ${p.method} | ${p.exact ? 'yes' : 'no'} | ${fmtSpread(p.microsPerParse, 1)} | ${fmtSpread(p.vsJsonParse)} |`,
    );
  }
  lines.push('');

  lines.push('## Contenders', '');
  for (const c of contenders) {
    const flags = nodeFlagsOf(c).join(' ') || 'none';
    lines.push(`- **${c.name}**: ${c.title}; Node.js flags: ${flags}`);
  }
  lines.push('');
  if (report.problems.length) {
    lines.push('## Not measured', '');
    for (const p of report.problems) lines.push(`- ${p.replace(/\n/g, ' ')}`);
    lines.push('');
  }
  return lines.join('\n');
}

function renderOpenLoop(report: RunReport): string[] {
  const { options, shapes, contenders } = report;
  const lines = ['## Latency at a fixed arrival rate (open loop)', ''];
  if (options.openLoopSeconds === 0) return [...lines, 'Not run (`--open-loop-seconds 0`).'];
  const { summaries } = report.openLoop;
  lines.push(
    `Requests leave at a constant rate for ${options.openLoopSeconds} s per cell in each of ${options.openLoopRounds} round(s), one shape's contenders back to back in shuffled order, whether or not earlier ones have answered. The rate is ${OPEN_LOOP_PERCENT} of raw's closed-loop median req/s for the shape, the same for every contender. Latency runs from each request's scheduled send time (no coordinated omission), pooled over rounds; p99 ÷ raw is taken round by round, against raw's window of the same round, median (min–max) over rounds, so that a stall of the machine in one window does not decide it; errors are non-200 answers, answers that differ from the probe's, timeouts (10 s) and socket errors; in brackets, those that were 503s the contender shed. Event-loop delay p99 is measured inside the contender over the window and its drain (n/a for contenders started through the process entry). Send lag p99 is how late the load generator itself sent: when it is large, the load side fell behind.`,
    '',
  );
  if (summaries.some((s) => s.basis === 'own')) {
    lines.push(
      `**${summaries.some((s) => s.basis === 'raw') ? 'The raw baseline has no throughput for some shapes' : 'The raw baseline is not part of this run'}:** contenders marked "own" ran at ${OPEN_LOOP_PERCENT} of their own closed-loop req/s, so their rates differ and their p99s compare with nothing.`,
      '',
    );
  }
  lines.push(
    '| shape | contender | rate (req/s) | requests | p50 (ms) | p99 (ms) | max (ms) | p99 ÷ raw | event-loop p99 (ms) | send lag p99 (ms) | errors (shed) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const order = contenders.map((c) => c.name);
  for (const shape of shapes) {
    const rows = summaries
      .filter((s) => s.shape === shape.name)
      .sort((a, b) => order.indexOf(a.contender) - order.indexOf(b.contender));
    for (const s of rows) {
      lines.push(
        `| ${shape.title} | ${s.contender} | ${fmt(s.rate, 0)}${s.basis === 'own' ? ' (own)' : ''} | ${s.sent} | ${fmt(s.latency.p50)} | ${fmt(s.latency.p99)} | ${fmt(s.latency.max)} | ${fmtSpread(s.p99VsRawByRound)} | ${fmt(s.loopDelayP99Ms, 1)} | ${fmt(s.sendLagP99Ms, 1)} | ${s.errors}${s.shed > 0 ? ` (${s.shed})` : ''} |`,
      );
    }
  }
  const failing = summaries.filter((s) => s.errors > 0);
  if (failing.length > 0) lines.push('', 'Errors by kind:', '');
  for (const s of failing) {
    const kinds = Object.entries(s.errorKinds).map(([kind, n]) => `${kind} × ${n}`);
    lines.push(`- ${s.shape}, ${s.contender}: ${kinds.join('; ')}`);
  }
  return lines;
}
