/** Command-line options of `npm run bench`. */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Measured rounds after the warm-up round. @default 7 */
  rounds: number;
  /** Closed-loop window per cell and round, seconds. @default 1.5 */
  seconds: number;
  /** Closed-loop window per cell in the warm-up round, seconds. @default 5 */
  warmUpSeconds: number;
  /**
   * Requests each cell answers in the warm-up round at the least, in more
   * windows after the first, for at most warmUpLimitSeconds in all. V8
   * optimizes after so many calls, not so many seconds: with GRAPHQL_JIT the
   * 20-alias document runs at a quarter to a half of its steady speed for
   * its first 450 requests, at about four fifths up to about 2200, and at
   * full speed from about 2500 (16 s from a fresh process on this machine).
   * @default 3000
   */
  warmUpRequests: number;
  /** One-at-a-time latency window per cell and round, seconds. @default 0.6 */
  latencySeconds: number;
  /** autocannon connections in the throughput window. @default 16 */
  connections: number;
  /** Simulator latency: fixed part, ms. @default 3 */
  upstreamMs: number;
  /** Simulator latency: random extra in [0, jitter), ms. @default 2 */
  jitterMs: number;
  /** Contender names to run; empty: all but the opt-in ones (gateway-1worker, gateway-2workers). */
  only: string[];
  /** Shape names to run; empty: all. */
  shapes: string[];
  /** Open-loop window per cell and round, seconds; 0 skips the open-loop phase. @default 3 */
  openLoopSeconds: number;
  /** Open-loop rounds after the closed-loop ones; p99 ratios are medians over them. @default 5 */
  openLoopRounds: number;
  /** Pin contenders to CPU 1 and the simulator and load generator to CPU 0. @default true */
  pin: boolean;
  /**
   * Every measured round after the first on newly started contender
   * processes, each warmed up as in the warm-up round. V8 decides which allocation sites it tenures
   * early in a process's life, and that decision moves a contender's CPU and
   * GC per request by more than most code changes (bench/README.md, "Open
   * loop and added latency"); rounds on one process per contender show the
   * spread over time, rounds on new ones the spread over processes.
   * @default false
   */
  freshProcesses: boolean;
  /** Soak mode instead of the comparison. @default false */
  soak: boolean;
  /** Soak length in minutes. @default 10 */
  minutes: number;
  /** Overload mode instead of the comparison. @default false */
  overload: boolean;
  /** Overload window per contender and shape, seconds. @default 10 */
  overloadSeconds: number;
  /** Fault mode (faults.ts) instead of the comparison. @default false */
  faults: boolean;
  /** Load per fault scenario, seconds (L7: how long the issuer fails). @default 10 */
  faultSeconds: number;
  /**
   * Another checkout of this project (a git worktree of main, say, with its
   * dependencies installed) whose gateway runs beside this one: every gateway
   * contender selected gets a twin `<name>-base` from there, so an A/B of a
   * change is measured in one run.
   */
  base: string | undefined;
  /** Where results go. @default bench/results */
  out: string;
  /**
   * Appended to the stamp in the result files' names (`2026-12-05-1610-floor.md`),
   * for a run that measures one question. @default none
   */
  label: string | undefined;
}

/**
 * Whether `options` ask for the whole comparison: every default contender
 * and shape, no label, one process per contender. Only such a run becomes
 * `latest.md` and `latest.svg`.
 */
export const isFullRun = (options: BenchOptions): boolean =>
  !options.freshProcesses &&
  options.only.length === 0 &&
  options.shapes.length === 0 &&
  options.base === undefined &&
  options.label === undefined;

/** The longest a cell's warm-up may run: 6 × warmUpSeconds. */
export const warmUpLimitSeconds = (options: BenchOptions): number => 6 * options.warmUpSeconds;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string', default: '7' },
      seconds: { type: 'string', default: '1.5' },
      'warm-up-seconds': { type: 'string', default: '5' },
      'warm-up-requests': { type: 'string', default: '3000' },
      'latency-seconds': { type: 'string', default: '0.6' },
      connections: { type: 'string', default: '16' },
      'open-loop-seconds': { type: 'string', default: '3' },
      'open-loop-rounds': { type: 'string', default: '5' },
      'upstream-ms': { type: 'string', default: '3' },
      'jitter-ms': { type: 'string', default: '2' },
      only: { type: 'string', default: '' },
      shapes: { type: 'string', default: '' },
      'no-pin': { type: 'boolean', default: false },
      'fresh-processes': { type: 'boolean', default: false },
      soak: { type: 'boolean', default: false },
      minutes: { type: 'string', default: '10' },
      overload: { type: 'boolean', default: false },
      'overload-seconds': { type: 'string', default: '10' },
      faults: { type: 'boolean', default: false },
      'fault-seconds': { type: 'string', default: '10' },
      base: { type: 'string' },
      out: { type: 'string', default: new URL('../results/', import.meta.url).pathname },
      label: { type: 'string' },
    },
  });
  if (values.label !== undefined && !/^[a-z0-9][a-z0-9-]{0,39}$/.test(values.label)) {
    throw new Error('--label takes lower-case letters, digits and dashes (at most 40).');
  }
  const otherMode = values.soak || values.overload || values.faults;
  if (values.base !== undefined && otherMode) {
    throw new Error('--base runs in the comparison only, not with --soak, --overload or --faults.');
  }
  if (values['fresh-processes'] && otherMode) {
    throw new Error(
      '--fresh-processes runs in the comparison only, not with --soak, --overload or --faults.',
    );
  }
  const number = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) {
      throw new Error(
        `--${name} must be a number of at least ${min} (got ${JSON.stringify(value)}).`,
      );
    }
    return n;
  };
  const list = (value: string) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    rounds: number('rounds', values.rounds, 1),
    seconds: number('seconds', values.seconds, 0.5),
    warmUpSeconds: number('warm-up-seconds', values['warm-up-seconds'], 0.5),
    warmUpRequests: number('warm-up-requests', values['warm-up-requests'], 0),
    latencySeconds: number('latency-seconds', values['latency-seconds'], 0.1),
    connections: number('connections', values.connections, 1),
    openLoopSeconds: number('open-loop-seconds', values['open-loop-seconds'], 0),
    openLoopRounds: number('open-loop-rounds', values['open-loop-rounds'], 1),
    upstreamMs: number('upstream-ms', values['upstream-ms'], 0),
    jitterMs: number('jitter-ms', values['jitter-ms'], 0),
    only: list(values.only),
    shapes: list(values.shapes),
    pin: !values['no-pin'],
    freshProcesses: values['fresh-processes'],
    soak: values.soak,
    minutes: number('minutes', values.minutes, 0.1),
    overload: values.overload,
    overloadSeconds: number('overload-seconds', values['overload-seconds'], 1),
    faults: values.faults,
    faultSeconds: number('fault-seconds', values['fault-seconds'], 2),
    base: values.base,
    out: values.out,
    label: values.label,
  };
}
