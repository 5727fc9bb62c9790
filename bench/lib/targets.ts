/**
 * The run's verdict on each target of PERFORMANCE.md, from the run's
 * summaries, cells, exact counts and open-loop phase, plus the latest soak
 * and overload files. Pure: the README's table (bench/lib/readmeTable.ts)
 * recomputes it from a run's JSON file.
 */
import { atMinimum, type ExactCost } from './exactCost.js';
import { describe, fmt, fmtSpread, mb, worst } from './format.js';
import type { CellResult } from './measure.js';
import { OPEN_LOOP_LOAD, type OpenLoopSummary } from './openLoopPhase.js';
import { KEEP_ALIVE_P50_GOAL_MS, type KeepAliveResult } from './keepAlive.js';
import type { OverloadResult } from './overload.js';
import type { ParseResult } from './parseBench.js';
import type { Shape } from './shapes.js';
import type { SoakResult } from './soak.js';
import { notMeasuredContender } from './notMeasured.js';
import { spread, type Spread } from './stats.js';
import type { CellSummary } from './summarize.js';

export interface TargetRow {
  target: string;
  goal: string;
  measured: string;
  /** `rerun`: the median meets the goal, but the rounds scatter too much to show it or are fewer than 7. */
  met: boolean | 'rerun' | null;
}

/** A cell as the targets read it: its per-request samples are not kept in the JSON file. */
type Cell = Omit<CellResult, 'requests'>;

/** What the targets are read from: a run as it ends, or as its JSON file keeps it. */
export interface TargetInputs {
  shapes: readonly Pick<Shape, 'name'>[];
  summaries: readonly CellSummary[];
  cells: readonly Cell[];
  exactCost: readonly ExactCost[];
  openLoop: { summaries: readonly OpenLoopSummary[] };
  /** Absent from the files of runs before it was measured. */
  keepAlive?: readonly KeepAliveResult[];
  parse: readonly ParseResult[];
  /** The run's "Not measured" list (notMeasured.ts); absent from older files. */
  problems?: readonly string[];
}

/** `value` is at most `goal`: never when it was not measured (NaN, or null from a file). */
const atMost = (value: number, goal: number) => Number.isFinite(value) && value <= goal;
/** `value` is at least `goal`, likewise. */
const atLeast = (value: number, goal: number) => Number.isFinite(value) && value >= goal;

/** The latest `--soak` and `--overload` results, kept in files of their own. */
export interface LaterFiles {
  soak: { file: string; results: SoakResult[] } | null;
  overload: { file: string; seconds: number; results: OverloadResult[] } | null;
}

/**
 * A ratio taken in at least one round. `undefined`: the JSON files of runs
 * before open-loop ratios were taken by round have none.
 */
const measured = (ratio: Spread | null | undefined): ratio is Spread => (ratio?.n ?? 0) > 0;

/** The shapes whose ratio was measured. */
const byShape = (list: { shape: string; ratio: Spread | null | undefined }[]) =>
  list.filter((r): r is { shape: string; ratio: Spread } => measured(r.ratio));

type CellKey = { contender: string; shape: string };
const isCell = (key: CellKey) => (cell: Cell) =>
  cell.contender === key.contender && cell.shape === key.shape;

/** a ÷ b, paired by round. */
function pairedCells(
  cells: readonly Cell[],
  a: CellKey,
  b: CellKey,
  value: (cell: Cell) => number,
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
  cells: readonly Cell[],
  shape: string,
  a: string,
  b: string,
  value: (cell: Cell) => number,
) => pairedCells(cells, { contender: a, shape }, { contender: b, shape }, value);

/** The label of the rows of `GRAPHQL_JIT=true`, beside the default gateway's in the README. */
const JIT = ' (GRAPHQL_JIT=true)';

export function evaluateTargets(report: TargetInputs, later: LaterFiles): TargetRow[] {
  const rows = noiseRows(report);
  rows.push(...busyRows(report));
  rows.push(...contenderTargets(report, later, 'gateway', ''));
  rows.push(...contenderTargets(report, later, 'gateway-jit', JIT));
  rows.push(
    ...unlessFailed(report, ['gateway-ftv1', 'gateway'], tracingTargets(report), {
      loadErrors: false,
    }),
  );
  rows.push(...stackFloorRows(report));
  rows.push(...keepAliveRows(report));
  const exact = report.parse.filter((p) => p.method === 'parseExactJson');
  if (exact.length) {
    const values = exact.map((p) => ({ shape: p.payload, value: p.vsJsonParse.median }));
    rows.push({
      target: 'Exact JSON parse ÷ JSON.parse',
      goal: '≤ 1.2',
      measured: describe(values, 'max'),
      met: atMost(worst(values, 'max').value, 1.2),
    });
  }
  return rows;
}

/**
 * PERFORMANCE.md's guard on undici: one call at a time on a kept-alive
 * socket, through the gateway's own client (undici's own `request` beside it).
 */
function keepAliveRows(report: TargetInputs): TargetRow[] {
  const client = report.keepAlive?.find((k) => k.path === 'gateway client');
  const floor = report.keepAlive?.find((k) => k.path === 'undici request');
  if (!client) return [];
  return [
    {
      target: 'Sequential upstream call on a kept-alive socket, p50 (ms)',
      goal: `< ${KEEP_ALIVE_P50_GOAL_MS} ms`,
      measured:
        `${fmt(client.p50Ms, 3)} through the gateway's client, p99 ${fmt(client.p99Ms, 3)}` +
        (floor ? `; undici's request alone ${fmt(floor.p50Ms, 3)}` : '') +
        `; ${client.connections} socket${client.connections === 1 ? '' : 's'} for ${client.calls} calls`,
      met: client.p50Ms < KEEP_ALIVE_P50_GOAL_MS,
    },
  ];
}

/**
 * The run's own noise: `raw-twin` runs raw's code in a second process, so
 * its ratios to raw would all be 1.00 on a quiet machine. How far they stray,
 * per shape and per round, is how far any other ratio of the run can stray
 * without meaning anything (an A/A test).
 */
function noiseRows(report: TargetInputs): TargetRow[] {
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
          shapesRange(medians) + (rounds ? `; single rounds ${fmt(low)} to ${fmt(high)}` : ''),
        met: null,
      },
    ];
  };
  const twin = report.summaries.filter((s) => s.contender === 'raw-twin');
  const openLoop = report.openLoop.summaries.filter((s) => s.contender === 'raw-twin');
  return [
    ...row('throughput', twin.map((s) => s.throughputVsRaw).filter(measured)),
    ...row('CPU per request', twin.map((s) => s.cpuVsRaw).filter(measured)),
    ...row('open-loop p99', openLoop.map((s) => s.p99VsRawByRound).filter(measured)),
  ];
}

/**
 * CPU seconds a process used per second of a throughput cell: 1.00 is its
 * core kept busy. Throughput counts answers only, so errors make it read
 * low; the ratio rows are not met then anyway (unlessFailed).
 */
const busy = (cell: Cell) => (cell.cpuMicrosPerRequest * cell.throughput.perSecond) / 1e6;

const BUSY_TARGET =
  'CPU s per s in the throughput cells (below about 0.95 not saturated: ' +
  'throughput ratios capped by the load generator or shared core)';

/**
 * How busy the gateway and raw were under closed-loop load. A process kept
 * short of its core by the load generator (on the simulator's core) or by
 * the other contenders serves what it is sent, not what it could: its
 * throughput ratios then measure the bottleneck, not the code.
 */
function busyRows(report: TargetInputs): TargetRow[] {
  const range = (name: string) => {
    const medians = contenderMedians(report, name, busy);
    return medians.length ? shapesRange(medians) : undefined;
  };
  const [gateway, jit, raw, hive] = ['gateway', 'gateway-jit', 'raw', 'hive'].map(range);
  const row = (target: string, measured: string): TargetRow[] => [
    { target, goal: '–', measured, met: null },
  ];
  // The baselines beside the default gateway only: the table gives them one column.
  const baselines = [raw && `raw: ${raw}`, hive && `Hive: ${hive}`].filter(Boolean);
  return [
    ...(gateway ? row(BUSY_TARGET, [`this: ${gateway}`, ...baselines].join('; ')) : []),
    ...(jit ? row(BUSY_TARGET + JIT, `this: ${jit}`) : []),
  ];
}

/**
 * PERFORMANCE.md T8: what ftv1 traces cost, from `--only gateway,gateway-ftv1
 * --shapes entities,entitiesTraced`. Traced requests against untraced ones on
 * the same process, and that process's untraced requests (its resolvers
 * wrapped since its first trace) against a gateway that never traces.
 */
function tracingTargets(report: TargetInputs): TargetRow[] {
  const cpu = (cell: Cell) => cell.cpuMicrosPerRequest;
  const traced = { contender: 'gateway-ftv1', shape: 'entitiesTraced' };
  const untraced = { contender: 'gateway-ftv1', shape: 'entities' };
  const never = { contender: 'gateway', shape: 'entities' };
  const rows: TargetRow[] = [];
  const header = pairedCells(report.cells, traced, untraced, cpu);
  if (header) {
    const met = roundVerdict(header, (value) => atMost(value, 1.15));
    rows.push({
      target: 'CPU per request, ftv1 asked for ÷ not asked (FEDERATED_TRACING=true, _entities)',
      goal: '≤ 1.15 (T8)',
      measured: fmtSpread(header) + `, CV ${fmt(header.cv, 0)} %` + fewRoundsNote(met, header.n),
      met,
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

/**
 * Where the gap to raw lies, from `--only gateway,raw,raw-apollo,raw-fastify-apollo`:
 * raw's code under Apollo Server alone, then under fastify and Apollo Server
 * (the stack the contract prescribes, with nothing of the gateway's own), and
 * the gateway against that floor.
 */
function stackFloorRows(report: TargetInputs): TargetRow[] {
  const throughput = (c: Cell) => c.throughput.perSecond;
  const cpu = (c: Cell) => c.cpuMicrosPerRequest;
  const floor = 'raw-fastify-apollo';
  return [
    ...infoRow(
      'Throughput, Apollo Server on node:http (raw-apollo) ÷ raw baseline',
      shapeMedians(report, 'raw-apollo', 'raw', throughput),
    ),
    ...infoRow(
      `Throughput, fastify + Apollo Server (${floor}) ÷ raw baseline`,
      shapeMedians(report, floor, 'raw', throughput),
    ),
    ...infoRow(
      `CPU µs per request, ${floor} ÷ raw baseline`,
      shapeMedians(report, floor, 'raw', cpu),
    ),
    ...infoRow(
      `Throughput, this gateway ÷ ${floor}`,
      shapeMedians(report, 'gateway', floor, throughput),
    ),
    ...infoRow(
      `CPU µs per request, this gateway ÷ ${floor}`,
      shapeMedians(report, 'gateway', floor, cpu),
    ),
  ];
}

/** `20 calls / 1 wave`, or the range over requests when they differ, plus any errors. */
export function describeCost(cost: ExactCost): string {
  const range = (values: number[]) => {
    const [low, high] = [Math.min(...values), Math.max(...values)];
    return low === high ? String(low) : `${low}–${high}`;
  };
  const errors = cost.errors > 0 ? `, ${cost.errors} wrong` : '';
  return `${range(cost.calls)} calls / ${range(cost.waves)} waves${errors}`;
}

export const describeMinimum = ({ minimum }: Pick<ExactCost, 'minimum'>) =>
  `${minimum.calls} calls / ${minimum.waves} waves`;

/** PERFORMANCE.md §10.3: above this coefficient of variation over rounds, a met median shows nothing. */
const MAX_CV_PERCENT = 10;

/** PERFORMANCE.md §10.3: fewer rounds than this show nothing either way. */
const MIN_ROUNDS = 7;

/** Why a verdict of `rerun` over `rounds` rounds is one, when too few rounds are why. */
const fewRoundsNote = (met: TargetRow['met'], rounds: number) =>
  met === 'rerun' && rounds < MIN_ROUNDS
    ? `; ${rounds} round${rounds === 1 ? '' : 's'}, fewer than ${MIN_ROUNDS}`
    : '';

/**
 * One ratio taken round by round: met when its median meets the goal and
 * either every round meets it too or the rounds agree (CV under 10 %); a
 * met median from scattered rounds, or from fewer than 7, asks for a rerun.
 */
function roundVerdict(ratio: Spread, meets: (value: number) => boolean): TargetRow['met'] {
  if (!meets(ratio.median)) return false;
  if (ratio.n < MIN_ROUNDS) return 'rerun';
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
      ? (['min', (v: number) => atLeast(v, bound.atLeast)] as const)
      : (['max', (v: number) => atMost(v, bound.atMost)] as const);
  const verdicts = perShape.map(({ shape, ratio }) => ({
    shape,
    ratio,
    met: roundVerdict(ratio, meets),
  }));
  const met = verdicts.some((v) => v.met === false)
    ? false
    : verdicts.some((v) => v.met === 'rerun')
      ? 'rerun'
      : true;
  // Why a rerun: the widest scatter among shapes with rounds enough, or too few rounds.
  const scattered = verdicts
    .filter(({ met, ratio }) => met === 'rerun' && ratio.n >= MIN_ROUNDS)
    .map(({ shape, ratio }) => ({ shape, value: ratio.cv }));
  const widest = scattered.length ? worst(scattered, 'max') : undefined;
  const rounds = Math.min(...perShape.map(({ ratio }) => ratio.n));
  return [
    {
      target,
      goal,
      measured:
        describe(
          perShape.map(({ shape, ratio }) => ({ shape, value: ratio.median })),
          pick,
        ) +
        (widest ? `; CV over rounds up to ${fmt(widest.value, 0)} % (${widest.shape})` : '') +
        fewRoundsNote(met, rounds),
      met,
    },
  ];
}

/**
 * A contender's highest RSS as its throughput cells ended: every contender at
 * the same closed-loop load. Its lifetime peak would also count Hive
 * composing its schema in-process, and the open loop, which sends Hive many
 * times what it can serve.
 */
function peakCellRss(report: TargetInputs, name: string): number | undefined {
  const rss = report.cells.filter((c) => c.contender === name).map((c) => c.rss);
  const known = rss.filter(Number.isFinite);
  return known.length ? Math.max(...known) : undefined;
}

const failed = (cell: Cell) => cell.throughput.errors > 0 || cell.latencyErrors > 0;

/**
 * Rows judged on the cells of `contenders`, not met whatever their figures
 * when any of those cells, on any shape, had errors, or a shape of theirs
 * was not measured (its probe failed, or its answer differed from raw's):
 * under load, throughput counts answers only while CPU per request shares
 * the CPU among failed requests too, so a failure moves both ratios by work
 * that was not done; a wrong answer one request at a time disqualifies a
 * contender from being compared at all; and a shape left out would
 * otherwise leave the verdict to the others. `loadErrors: false` for rows
 * measured apart from the load, which only a shape left out spoils.
 */
function unlessFailed(
  report: TargetInputs,
  contenders: readonly string[],
  rows: TargetRow[],
  { loadErrors = true }: { loadErrors?: boolean } = {},
): TargetRow[] {
  const cells = loadErrors
    ? report.cells.filter((c) => contenders.includes(c.contender) && failed(c))
    : [];
  const missing = (report.problems ?? []).filter((line) =>
    contenders.includes(notMeasuredContender(line)),
  );
  const names = (list: string[]) => [...new Set(list)].join(', ');
  const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  const faults = [
    ...(cells.length
      ? [`errors in ${plural(cells.length, 'cell')} (${names(cells.map((c) => c.contender))})`]
      : []),
    ...(missing.length
      ? [
          `${plural(missing.length, 'shape')} not measured (${names(missing.map(notMeasuredContender))})`,
        ]
      : []),
  ];
  if (faults.length === 0) return rows;
  return rows.map((row) => ({
    ...row,
    measured: `${row.measured}; ${faults.join('; ')}`,
    met: false,
  }));
}

function contenderTargets(
  report: TargetInputs,
  later: LaterFiles,
  name: string,
  label: string,
): TargetRow[] {
  const rows: TargetRow[] = [];
  const mine = report.summaries.filter((s) => s.contender === name);
  if (mine.length === 0) return rows;

  rows.push(
    ...unlessFailed(
      report,
      [name, 'raw'],
      [
        ...roundRatioRow(
          'Throughput ÷ raw baseline' + label,
          '≥ 1.0 (PERFORMANCE.md T1: must 0.85)',
          byShape(
            mine.map((s) => ({
              shape: s.shape,
              ratio: pairedRatio(report.cells, s.shape, name, 'raw', (c) => c.throughput.perSecond),
            })),
          ),
          { atLeast: 1.0 },
        ),
        ...roundRatioRow(
          'CPU µs per request ÷ raw baseline' + label,
          '≤ 1.20 (T1b)',
          byShape(
            mine.map((s) => ({
              shape: s.shape,
              ratio: pairedRatio(report.cells, s.shape, name, 'raw', (c) => c.cpuMicrosPerRequest),
            })),
          ),
          { atMost: 1.2 },
        ),
      ],
    ),
  );
  rows.push(
    ...infoRow(
      'Heap bytes allocated per request ÷ raw baseline' + label,
      shapeMedians(report, name, 'raw', (c) => c.allocatedBytesPerRequest),
    ),
    ...infoRow(
      'GC time per request ÷ raw baseline' + label,
      shapeMedians(report, name, 'raw', (c) => c.gcMicrosPerRequest),
    ),
    ...infoRow(
      'CPU µs per request, Hive Gateway/Mesh ÷ this' + label,
      shapeMedians(report, 'hive', name, (c) => c.cpuMicrosPerRequest),
    ),
  );
  const vsHive = byShape(
    report.shapes.map((shape) => ({
      shape: shape.name,
      ratio: pairedRatio(report.cells, shape.name, name, 'hive', (c) => c.throughput.perSecond),
    })),
  );
  if (vsHive.length) {
    rows.push(
      ...unlessFailed(
        report,
        [name, 'hive'],
        [
          ...roundRatioRow('Throughput ÷ Hive Gateway/Mesh' + label, '≥ 2.0', vsHive, {
            atLeast: 2.0,
          }),
        ],
      ),
    );
    const ours = peakCellRss(report, name);
    const theirs = peakCellRss(report, 'hive');
    if (ours && theirs) {
      const rss: TargetRow = {
        target: 'Peak RSS in the throughput cells ÷ Hive Gateway/Mesh' + label,
        goal: '≤ 1.0 (T2)',
        measured: `${fmt(ours / theirs)} (${mb(ours)} vs ${mb(theirs)}, highest sampled as a cell's load ended)`,
        met: ours / theirs <= 1.0,
      };
      rows.push(...unlessFailed(report, [name, 'hive'], [rss], { loadErrors: false }));
    }
  }
  const costs = report.exactCost.filter((c) => c.contender === name);
  const off = costs.filter((c) => !atMinimum(c));
  rows.push(
    ...unlessFailed(
      report,
      [name],
      [
        {
          target: 'Upstream calls and waves per request = minimum' + label,
          goal: 'every shape, every request (T3, T4)',
          measured:
            costs.length === 0
              ? 'not measured'
              : off.length === 0
                ? `all ${costs.length} shape${costs.length === 1 ? '' : 's'} at the minimum`
                : off
                    .map((c) => `${c.shape}: ${describeCost(c)} (min ${describeMinimum(c)})`)
                    .join('; '),
          met: costs.length === 0 ? null : off.length === 0,
        },
      ],
      // Counted one request at a time, apart from the load: only a shape left out spoils it.
      { loadErrors: false },
    ),
  );
  // Its own errors have a row of their own; a shape left out spoils it too.
  rows.push(
    ...unlessFailed(report, [name, 'raw'], openLoopTargets(report, name, label), {
      loadErrors: false,
    }),
  );
  const p50 = mine.map((s) => ({ shape: s.shape, value: s.added.p50 }));
  const p99 = mine.map((s) => ({ shape: s.shape, value: s.added.p99 }));
  const added: TargetRow[] = [
    {
      target: 'Added latency p50 (ms, one request at a time)' + label,
      goal: '≤ 1 ms (T5b: must ≤ 3, stretch ≤ 2)',
      measured: describe(p50, 'max'),
      met: atMost(worst(p50, 'max').value, 1),
    },
    {
      target: 'Added latency p99 (ms, one request at a time)' + label,
      goal: '≤ 5 ms (T5b: must ≤ 10, stretch ≤ 5)',
      measured: describe(p99, 'max'),
      met: atMost(worst(p99, 'max').value, 5),
    },
  ];
  const vsRawAdded = mine.filter((s) => s.addedVsRaw);
  if (vsRawAdded.length) {
    // Pooled over rounds, so no spread to judge; raw-twin's line in the latency table shows the noise.
    const ratio = (pick: 'p50' | 'p99') =>
      vsRawAdded.map((s) => ({ shape: s.shape, value: s.addedVsRaw![pick] }));
    added.push({
      target: 'Added latency ÷ raw baseline, p50 / p99 (one request at a time)' + label,
      goal: '≤ 1.3 / ≤ 1.5 (T5)',
      measured: `p50 ${describe(ratio('p50'), 'max')}; p99 ${describe(ratio('p99'), 'max')}`,
      met:
        atMost(worst(ratio('p50'), 'max').value, 1.3) &&
        atMost(worst(ratio('p99'), 'max').value, 1.5),
    });
  }
  // A failed request's latency is no gateway's added latency.
  rows.push(...unlessFailed(report, [name, 'raw'], added));
  rows.push(overloadRow(later, name, label), soakRow(later, name, label));
  return rows;
}

const shapesRange = (medians: number[]) =>
  medians.length === 1
    ? `one shape, ${fmt(medians[0]!)}`
    : `shapes ${fmt(Math.min(...medians))} to ${fmt(Math.max(...medians))}`;

/** An informational row: the range of a ratio's medians over shapes. */
function infoRow(target: string, medians: number[]): TargetRow[] {
  const known = medians.filter(Number.isFinite);
  if (known.length === 0) return [];
  return [
    {
      target,
      goal: '–',
      measured: shapesRange(known),
      met: null,
    },
  ];
}

/** Per shape, the median over rounds of contender a's value ÷ b's. */
function shapeMedians(
  report: TargetInputs,
  a: string,
  b: string,
  value: (cell: Cell) => number,
): number[] {
  return report.shapes.flatMap((shape) => {
    const ratio = pairedRatio(report.cells, shape.name, a, b, value);
    return measured(ratio) ? [ratio.median] : [];
  });
}

/** Per shape, the median over rounds of one contender's value. */
function contenderMedians(
  report: TargetInputs,
  name: string,
  value: (cell: Cell) => number,
): number[] {
  return report.shapes.flatMap((shape) => {
    const cells = report.cells.filter(isCell({ contender: name, shape: shape.name }));
    const values = spread(cells.map(value));
    return measured(values) ? [values.median] : [];
  });
}

/** PERFORMANCE.md T6 at 150 %: answers shed with 503 rather than failed. */
function overloadRow(later: LaterFiles, name: string, label: string): TargetRow {
  const target = 'Overload at 150 % of capacity: answered or shed with 503, none failed' + label;
  const goal = '0 failed (T6)';
  const mine = later.overload?.results.filter((r) => r.contender === name) ?? [];
  if (!later.overload || mine.length === 0) {
    return { target, goal, measured: 'no overload run (npm run bench -- --overload)', met: null };
  }
  const { file, seconds } = later.overload;
  const failed = mine.reduce((sum, r) => sum + r.failed, 0);
  const sent = mine.reduce((sum, r) => sum + r.sent, 0);
  const answered = mine.map((r) => (100 * r.answered) / (r.capacity * seconds));
  const p99 = Math.max(...mine.map((r) => r.answeredP99Ms)) / 1000;
  return {
    target,
    goal,
    measured:
      `${failed} failed of ${sent}; answered ${fmt(Math.min(...answered), 0)} to ` +
      `${fmt(Math.max(...answered), 0)} % of capacity at p99 up to ${fmt(p99, 1)} s, ` +
      `${mine.length} shapes (${file})`,
    met: failed === 0,
  };
}

function soakRow(later: LaterFiles, name: string, label: string): TargetRow {
  const target = 'Soak: heap-after-GC growth, second half' + label;
  const goal = '≤ 1 MB/min';
  const soak = later.soak?.results.find((s) => s.contender === name);
  if (!soak)
    return {
      target,
      goal,
      measured: 'no soak run (npm run bench -- --soak --minutes N)',
      met: null,
    };
  // A JSON file keeps a slope that could not be fitted (too few samples) as null.
  const growth = soak.heapGrowthMbPerMinute ?? NaN;
  const errors = soak.errors > 0 ? `; ${soak.errors} requests failed` : '';
  return {
    target,
    goal,
    measured: `${fmt(growth, 3)} MB/min over ${soak.minutes} min${errors} (${later.soak!.file})`,
    met: soak.errors > 0 ? false : Number.isFinite(growth) ? growth <= 1 : null,
  };
}

export const OPEN_LOOP_PERCENT = `${OPEN_LOOP_LOAD * 100} %`;

function openLoopTargets(report: TargetInputs, name: string, label: string): TargetRow[] {
  const mine = report.openLoop.summaries.filter((s) => s.contender === name);
  if (mine.length === 0) return [];
  const rows: TargetRow[] = roundRatioRow(
    `Open-loop p99 ÷ raw baseline at ${OPEN_LOOP_PERCENT} of raw's closed-loop req/s` + label,
    '≤ 1.5 (T6; stretch 1.2)',
    byShape(mine.map((s) => ({ shape: s.shape, ratio: s.p99VsRawByRound }))),
    { atMost: 1.5 },
  );
  const errors = mine.reduce((sum, s) => sum + s.errors, 0);
  const sent = mine.reduce((sum, s) => sum + s.sent, 0);
  rows.push({
    target: `Open-loop errors at ${OPEN_LOOP_PERCENT} of raw's closed-loop req/s` + label,
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
