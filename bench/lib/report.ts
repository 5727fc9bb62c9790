/**
 * Writes a run's results: `<stamp>.json` (everything, per round), a
 * Markdown report and an SVG chart, plus `latest.*` copies the README
 * points at.
 */
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { nodeFlagsOf, type ContenderSpec } from './contenders.js';
import { EXACT_LATENCY_MS, EXACT_REQUESTS, atMinimum, type ExactCost } from './exactCost.js';
import type { CellResult } from './measure.js';
import { OPEN_LOOP_LOAD, type OpenLoopResult, type OpenLoopSummary } from './openLoopPhase.js';
import { warmUpLimitSeconds, type BenchOptions } from './options.js';
import type { ParseResult } from './parseBench.js';
import type { Shape } from './shapes.js';
import type { SoakResult } from './soak.js';
import { spread, type Spread } from './stats.js';
import type { CellSummary, ContenderTotals } from './summarize.js';
import { renderChart } from './chart.js';

export interface RunReport {
  options: BenchOptions;
  shapes: Shape[];
  contenders: ContenderSpec[];
  summaries: CellSummary[];
  exactCost: ExactCost[];
  openLoop: { results: OpenLoopResult[]; summaries: OpenLoopSummary[] };
  totals: ContenderTotals[];
  parse: ParseResult[];
  problems: string[];
  cells: CellResult[];
  seconds: number;
}

export interface TargetRow {
  target: string;
  goal: string;
  measured: string;
  /** `rerun`: the median meets the goal but the rounds scatter too much to show it. */
  met: boolean | 'rerun' | null;
}

/** `2025-01-31-1405`: sorts by time, safe in file names. */
export function stamp(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}`;
}

export async function writeReport(report: RunReport): Promise<string[]> {
  const out = report.options.out;
  await mkdir(out, { recursive: true });
  const name = stamp();
  const soak = await latestSoak(out);
  const targets = evaluateTargets(report, soak);
  const environment = describeEnvironment();
  const json = `${out}${name}.json`;
  const md = `${out}${name}.md`;
  const svg = `${out}${name}.svg`;
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
  await copyFile(md, `${out}latest.md`);
  await copyFile(svg, `${out}latest.svg`);
  return [json, md, svg];
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

async function latestSoak(out: string): Promise<SoakResult[] | null> {
  const files = (await readdir(out).catch(() => [] as string[]))
    .filter((file) => file.startsWith('soak-') && file.endsWith('.json'))
    .sort();
  const last = files.at(-1);
  if (!last) return null;
  const parsed = JSON.parse(await readFile(`${out}${last}`, 'utf8')) as { results: SoakResult[] };
  return parsed.results;
}

const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const fmtSpread = (s: Spread | null, digits = 2) =>
  s && s.n > 0 ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : 'n/a';
const mb = (bytes: number) => (Number.isFinite(bytes) ? `${fmt(bytes / 1e6, 0)} MB` : 'n/a');

type CellKey = { contender: string; shape: string };
const isCell = (key: CellKey) => (cell: CellResult) =>
  cell.contender === key.contender && cell.shape === key.shape;

/** a ÷ b, paired by round. */
function pairedCells(
  cells: readonly CellResult[],
  a: CellKey,
  b: CellKey,
  value: (cell: CellResult) => number,
): Spread | null {
  const theirs = cells.filter(isCell(b));
  const ratios = cells.filter(isCell(a)).flatMap((cell) => {
    const other = theirs.find((o) => o.round === cell.round);
    return other ? [value(cell) / value(other)] : [];
  });
  return ratios.length ? spread(ratios) : null;
}

/** Contender a ÷ contender b on one shape, paired by round. */
const pairedRatio = (
  cells: readonly CellResult[],
  shape: string,
  a: string,
  b: string,
  value: (cell: CellResult) => number,
) => pairedCells(cells, { contender: a, shape }, { contender: b, shape }, value);

export function evaluateTargets(report: RunReport, soak: SoakResult[] | null): TargetRow[] {
  const rows = noiseRows(report);
  rows.push(...contenderTargets(report, 'gateway', ''));
  rows.push(...contenderTargets(report, 'gateway-jit', ' (GRAPHQL_JIT=true)'));
  rows.push(...tracingTargets(report));
  const exact = report.parse.filter((p) => p.method === 'parseExactJson');
  if (exact.length) {
    const values = exact.map((p) => ({ shape: p.payload, value: p.vsJsonParse.median }));
    rows.push({
      target: 'Exact JSON parse ÷ JSON.parse',
      goal: '≤ 1.2',
      measured: describe(values, 'max'),
      met: worst(values, 'max').value <= 1.2,
    });
  }
  const soakGateway = soak?.find((s) => s.contender === 'gateway');
  rows.push({
    target: 'Soak: heap-after-GC growth, second half',
    goal: '≤ 1 MB/min',
    measured: soakGateway
      ? `${fmt(soakGateway.heapGrowthMbPerMinute, 3)} MB/min over ${soakGateway.minutes} min (latest soak file)`
      : 'no soak run yet (npm run bench -- --soak --minutes N)',
    met: soakGateway ? soakGateway.heapGrowthMbPerMinute <= 1 : null,
  });
  return rows;
}

/**
 * The run's own noise: `raw-twin` runs raw's code in a second process, so
 * its ratios to raw would all be 1.00 on a quiet machine. How far they stray,
 * per shape and per round, is how far any other ratio of the run can stray
 * without meaning anything (an A/A test).
 */
function noiseRows(report: RunReport): TargetRow[] {
  const row = (what: string, perShape: { median: number; min: number; max: number }[]) => {
    if (perShape.length === 0) return [];
    const medians = perShape.map((s) => s.median);
    const [lowMedian, highMedian] = [Math.min(...medians), Math.max(...medians)];
    const low = Math.min(...perShape.map((s) => s.min));
    const high = Math.max(...perShape.map((s) => s.max));
    const rounds = low < lowMedian || high > highMedian;
    return [
      {
        target: `Noise (A/A): ${what}, raw-twin ÷ raw`,
        goal: '1.00 on a quiet machine',
        measured:
          `shapes ${fmt(lowMedian)} to ${fmt(highMedian)}` +
          (rounds ? `; single rounds ${fmt(low)} to ${fmt(high)}` : ''),
        met: null,
      },
    ];
  };
  const twin = report.summaries.filter((s) => s.contender === 'raw-twin');
  const known = (spreads: (Spread | null)[]) =>
    spreads.filter((s): s is Spread => s !== null && s.n > 0);
  const openLoop = report.openLoop.summaries
    .filter((s) => s.contender === 'raw-twin' && s.p99VsRaw !== null)
    .map((s) => ({ median: s.p99VsRaw!, min: s.p99VsRaw!, max: s.p99VsRaw! }));
  return [
    ...row('throughput', known(twin.map((s) => s.throughputVsRaw))),
    ...row('CPU per request', known(twin.map((s) => s.cpuVsRaw))),
    ...row('open-loop p99', openLoop),
  ];
}

/**
 * PERFORMANCE.md T8: what ftv1 traces cost, from `--only gateway,gateway-ftv1
 * --shapes entities,entitiesTraced`. Traced requests against untraced ones on
 * the same process, and that process's untraced requests (its resolvers
 * wrapped since its first trace) against a gateway that never traces.
 */
function tracingTargets(report: RunReport): TargetRow[] {
  const cpu = (cell: CellResult) => cell.cpuMicrosPerRequest;
  const traced = { contender: 'gateway-ftv1', shape: 'entitiesTraced' };
  const untraced = { contender: 'gateway-ftv1', shape: 'entities' };
  const never = { contender: 'gateway', shape: 'entities' };
  const rows: TargetRow[] = [];
  const header = pairedCells(report.cells, traced, untraced, cpu);
  if (header) {
    rows.push({
      target: 'CPU per request, ftv1 asked for ÷ not asked (FEDERATED_TRACING=true, _entities)',
      goal: '≤ 1.15 (T8)',
      measured: fmtSpread(header) + `, CV ${fmt(header.cv, 0)} %`,
      met: roundVerdict(header, (value) => value <= 1.15),
    });
  }
  const wrapped = pairedCells(report.cells, untraced, never, cpu);
  if (wrapped) {
    rows.push({
      target: 'CPU per request without the header, FEDERATED_TRACING=true ÷ off (_entities)',
      goal: '–',
      measured: fmtSpread(wrapped),
      met: null,
    });
  }
  return rows;
}

/** `20 calls / 1 wave`, or the range over requests when they differ, plus any errors. */
function describeCost(cost: ExactCost): string {
  const range = (values: number[]) => {
    const [low, high] = [Math.min(...values), Math.max(...values)];
    return low === high ? String(low) : `${low}–${high}`;
  };
  const errors = cost.errors > 0 ? `, ${cost.errors} wrong` : '';
  return `${range(cost.calls)} calls / ${range(cost.waves)} waves${errors}`;
}

const describeMinimum = ({ minimum }: Pick<ExactCost, 'minimum'>) =>
  `${minimum.calls} calls / ${minimum.waves} waves`;

type Valued = { shape: string; value: number };
const worst = (values: Valued[], pick: 'min' | 'max') =>
  values.reduce((a, b) => ((pick === 'min' ? b.value < a.value : b.value > a.value) ? b : a));
const describe = (values: Valued[], pick: 'min' | 'max', digits = 2) => {
  const w = worst(values, pick);
  const median = spread(values.map((v) => v.value)).median;
  return `median over shapes ${fmt(median, digits)}; worst ${fmt(w.value, digits)} (${w.shape})`;
};

/** PERFORMANCE.md §10.3: above this coefficient of variation over rounds, a met median shows nothing. */
const MAX_CV_PERCENT = 10;

/**
 * One ratio taken round by round: met when its median meets the goal and
 * either every round meets it too or the rounds agree (CV under 10 %); a
 * met median from scattered rounds asks for a rerun.
 */
function roundVerdict(ratio: Spread, meets: (value: number) => boolean): TargetRow['met'] {
  if (!meets(ratio.median)) return false;
  const everyRound = meets(ratio.min) && meets(ratio.max);
  return everyRound || ratio.cv < MAX_CV_PERCENT ? true : 'rerun';
}

/** Such a ratio on every shape: met when met on each; `rerun` names the widest scatter. */
function roundRatioRow(
  target: string,
  goal: string,
  perShape: { shape: string; ratio: Spread }[],
  bound: { atLeast: number } | { atMost: number },
): TargetRow[] {
  if (perShape.length === 0) return [];
  const [pick, meets] =
    'atLeast' in bound
      ? (['min', (v: number) => v >= bound.atLeast] as const)
      : (['max', (v: number) => v <= bound.atMost] as const);
  const verdicts = perShape.map(({ shape, ratio }) => ({
    shape,
    ratio,
    met: roundVerdict(ratio, meets),
  }));
  const reruns = verdicts
    .filter(({ met }) => met === 'rerun')
    .map(({ shape, ratio }) => ({ shape, value: ratio.cv }));
  const widest = reruns.length ? worst(reruns, 'max') : undefined;
  const met = verdicts.some((v) => v.met === false) ? false : widest ? 'rerun' : true;
  return [
    {
      target,
      goal,
      measured:
        describe(
          perShape.map(({ shape, ratio }) => ({ shape, value: ratio.median })),
          pick,
        ) + (widest ? `; CV over rounds up to ${fmt(widest.value, 0)} % (${widest.shape})` : ''),
      met,
    },
  ];
}

function contenderTargets(report: RunReport, name: string, label: string): TargetRow[] {
  const rows: TargetRow[] = [];
  const mine = report.summaries.filter((s) => s.contender === name);
  if (mine.length === 0) return rows;

  const known = (list: { shape: string; ratio: Spread | null }[]) =>
    list.filter((r): r is { shape: string; ratio: Spread } => r.ratio !== null && r.ratio.n > 0);
  rows.push(
    ...roundRatioRow(
      'Throughput ÷ raw baseline' + label,
      '≥ 1.0 (PERFORMANCE.md T1: must 0.85)',
      known(mine.map((s) => ({ shape: s.shape, ratio: s.throughputVsRaw }))),
      { atLeast: 1.0 },
    ),
    ...roundRatioRow(
      'CPU µs per request ÷ raw baseline' + label,
      '≤ 1.20 (T1b)',
      known(mine.map((s) => ({ shape: s.shape, ratio: s.cpuVsRaw }))),
      { atMost: 1.2 },
    ),
  );
  const vsHive = known(
    report.shapes.map((shape) => ({
      shape: shape.name,
      ratio: pairedRatio(report.cells, shape.name, name, 'hive', (c) => c.throughput.perSecond),
    })),
  );
  if (vsHive.length) {
    rows.push(
      ...roundRatioRow('Throughput ÷ Hive Gateway/Mesh' + label, '≥ 2.0', vsHive, {
        atLeast: 2.0,
      }),
    );
    const rss = (name: string) => report.totals.find((t) => t.name === name)?.final.maxRss;
    const ours = rss(name);
    const theirs = rss('hive');
    if (ours && theirs) {
      rows.push({
        target: 'Peak RSS ÷ Hive Gateway/Mesh' + label,
        goal: '≤ 1.0 (T2)',
        measured: `${fmt(ours / theirs)} (${mb(ours)} vs ${mb(theirs)})`,
        met: ours / theirs <= 1.0,
      });
    }
  }
  const costs = report.exactCost.filter((c) => c.contender === name);
  const off = costs.filter((c) => !atMinimum(c));
  rows.push({
    target: 'Upstream calls and waves per request = minimum' + label,
    goal: 'every shape, every request (T3, T4)',
    measured:
      off.length === 0
        ? `all ${costs.length} shapes at the minimum`
        : off.map((c) => `${c.shape}: ${describeCost(c)} (min ${describeMinimum(c)})`).join('; '),
    met: off.length === 0,
  });
  rows.push(...openLoopTargets(report, name, label));
  const p50 = mine.map((s) => ({ shape: s.shape, value: s.added.p50 }));
  const p99 = mine.map((s) => ({ shape: s.shape, value: s.added.p99 }));
  rows.push({
    target: 'Added latency p50 (ms, one request at a time)' + label,
    goal: '≤ 1 ms',
    measured: describe(p50, 'max'),
    met: worst(p50, 'max').value <= 1,
  });
  rows.push({
    target: 'Added latency p99 (ms, one request at a time)' + label,
    goal: '≤ 5 ms',
    measured: describe(p99, 'max'),
    met: worst(p99, 'max').value <= 5,
  });
  const vsRawAdded = mine.filter((s) => s.addedVsRaw);
  if (vsRawAdded.length) {
    // Pooled over rounds, so no spread to judge; raw-twin's line in the latency table shows the noise.
    const ratio = (pick: 'p50' | 'p99') =>
      vsRawAdded.map((s) => ({ shape: s.shape, value: s.addedVsRaw![pick] }));
    rows.push({
      target: 'Added latency ÷ raw baseline, p50 / p99 (one request at a time)' + label,
      goal: '≤ 1.3 / ≤ 1.5 (T5)',
      measured: `p50 ${describe(ratio('p50'), 'max')}; p99 ${describe(ratio('p99'), 'max')}`,
      met: worst(ratio('p50'), 'max').value <= 1.3 && worst(ratio('p99'), 'max').value <= 1.5,
    });
  }
  return rows;
}

const OPEN_LOOP_PERCENT = `${OPEN_LOOP_LOAD * 100} %`;

function openLoopTargets(report: RunReport, name: string, label: string): TargetRow[] {
  const mine = report.openLoop.summaries.filter((s) => s.contender === name);
  if (mine.length === 0) return [];
  const rows: TargetRow[] = [];
  const vsRaw = mine
    .filter((s) => s.p99VsRaw !== null)
    .map((s) => ({ shape: s.shape, value: s.p99VsRaw! }));
  if (vsRaw.length) {
    rows.push({
      target: `Open-loop p99 ÷ raw baseline at ${OPEN_LOOP_PERCENT} of raw's saturation` + label,
      goal: '≤ 1.5 (T6; stretch 1.2)',
      measured: describe(vsRaw, 'max'),
      met: worst(vsRaw, 'max').value <= 1.5,
    });
  }
  const errors = mine.reduce((sum, s) => sum + s.errors, 0);
  const sent = mine.reduce((sum, s) => sum + s.sent, 0);
  rows.push({
    target: `Open-loop errors at ${OPEN_LOOP_PERCENT} of saturation` + label,
    goal: '0 (T6)',
    measured:
      `${errors} of ${sent} requests` +
      (errors > 0
        ? ` (${mine
            .filter((s) => s.errors > 0)
            .map((s) => `${s.shape}: ${s.errors}`)
            .join(', ')})`
        : ''),
    met: errors === 0,
  });
  return rows;
}

const verdictText = (met: TargetRow['met']) =>
  met === null
    ? '–'
    : met === 'rerun'
      ? `rerun (CV ≥ ${MAX_CV_PERCENT} %)`
      : met
        ? 'yes'
        : '**no**';

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
    `${options.rounds} interleaved rounds after a warm-up round of ${options.warmUpSeconds} s and at least ${options.warmUpRequests} requests per cell (at most ${warmUpLimitSeconds(options)} s); closed loop at ${options.connections} connections for ${options.seconds} s per cell, then one request at a time for ${options.latencySeconds} s; simulator latency ${options.upstreamMs} ms + [0, ${options.jitterMs}) ms; contenders ${options.pin ? `pinned to CPU 1${contenders.some((c) => c.workers !== undefined) ? ' (those through the process entry on every CPU)' : ''}, simulator and load generator to CPU 0` : 'not pinned'}. Each round measures one shape's contenders back to back, shapes and contenders in shuffled order. Medians with (min–max) over rounds; ratios are taken within each round. Run took ${fmt(report.seconds / 60, 1)} min.${bystanderText(report.cells)}`,
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
    `Requests leave at a constant rate for ${options.openLoopSeconds} s per cell in each of ${options.openLoopRounds} round(s), one shape's contenders back to back in shuffled order, whether or not earlier ones have answered. The rate is ${OPEN_LOOP_PERCENT} of raw's closed-loop median req/s for the shape, the same for every contender. Latency runs from each request's scheduled send time (no coordinated omission), pooled over rounds; errors are non-200 answers, answers that differ from the probe's, timeouts (10 s) and socket errors; in brackets, those that were 503s the contender shed. Event-loop delay p99 is measured inside the contender over the window and its drain (n/a for contenders started through the process entry). Send lag p99 is how late the load generator itself sent: when it is large, the load side fell behind.`,
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
        `| ${shape.title} | ${s.contender} | ${fmt(s.rate, 0)}${s.basis === 'own' ? ' (own)' : ''} | ${s.sent} | ${fmt(s.latency.p50)} | ${fmt(s.latency.p99)} | ${fmt(s.latency.max)} | ${s.p99VsRaw === null ? 'n/a' : fmt(s.p99VsRaw)} | ${fmt(s.loopDelayP99Ms, 1)} | ${fmt(s.sendLagP99Ms, 1)} | ${s.errors}${s.shed > 0 ? ` (${s.shed})` : ''} |`,
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
