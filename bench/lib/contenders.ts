/** Who runs in the comparison, and how each is started. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AS_DEPLOYED } from './children.js';
import type { Dialect } from './shapes.js';

export interface ContenderSpec {
  name: string;
  title: string;
  /** Entry file relative to `bench/`. */
  entry: string;
  /** The checkout it runs from (`--base`). @default this one */
  checkout?: string;
  dialect: Dialect;
  env?: Record<string, string>;
  /**
   * Set: the gateway's own process entry with WEB_CONCURRENCY=workers,
   * configured by environment like a deployment, on every CPU.
   */
  workers?: number;
  /** Node.js flags of the contender's process. @default NODE_FLAGS */
  nodeFlags?: readonly string[];
  /** Runs only when `--only` names it. */
  optIn?: boolean;
}

/**
 * The Node.js flags the gateway ships with (`npm start`, the Dockerfile):
 * 64 MB semi-spaces for the young generation, so objects that live for one
 * request die young instead of being promoted and collected again by a full
 * GC; and no allocation-site pretenuring, so V8 does not start placing a
 * request's objects straight in the old generation on what one scavenge
 * found alive (bench/README.md, Node.js flags). Every contender runs with
 * them, so ratios compare code, not runtime settings; the opt-in
 * `gateway-default-heap` and `gateway-pretenuring` show what each gives.
 */
const SEMI_SPACE_FLAG = '--max-semi-space-size=64';
const NO_PRETENURING_FLAG = '--no-allocation-site-pretenuring';
export const NODE_FLAGS: readonly string[] = [SEMI_SPACE_FLAG, NO_PRETENURING_FLAG];

/** NODE_FLAGS without `flag`, for an opt-in contender that measures what it gives. */
const flagsWithout = (flag: string) => NODE_FLAGS.filter((f) => f !== flag);

/** The Node.js flags `spec`'s process runs with. */
export const nodeFlagsOf = (spec: ContenderSpec): readonly string[] => spec.nodeFlags ?? NODE_FLAGS;

/**
 * Configuration shared by every contender built from this project's code.
 * The operation limits refuse 20 root fields by alias by default
 * (MAX_ROOT_FIELDS=10, MAX_ALIASES=15), and the bulkhead queue (256 calls)
 * sheds closed-loop load of 16 connections × 30 calls; the benchmark raises
 * both as an operator would for such clients. It also raises the upstream
 * sockets from 32 to 128: Hive's fetch has no per-origin cap (it held about
 * 500 sockets to the simulator on 20 aliases), and at 32 the pool, not the
 * CPU, set the pace of the fan-out shapes for every contender built here.
 * The baselines use the same client and policy but have no operation limits
 * at all.
 */
export const GATEWAY_VARS = {
  MAX_ROOT_FIELDS: '25',
  MAX_ALIASES: '25',
  MAX_TOKENS: '5000',
  ENFUCE_QUEUE_SIZE: '2048',
  ENFUCE_MAX_CONNECTIONS: '128',
};

/**
 * `vars` as the in-process contenders read them, with AS_DEPLOYED: the
 * process environment has it too, but a contender from a `--base` checkout
 * older than the harness may read only this, and both sides of an A/B must
 * run as deployed.
 */
export const inProcessEnv = (vars: Record<string, string>) => ({
  BENCH_GATEWAY_ENV: JSON.stringify({ ...AS_DEPLOYED, ...vars }),
});

/** GATEWAY_VARS and `extra`, as the in-process contenders read them. */
const gatewayEnv = (extra: Record<string, string> = {}) =>
  inProcessEnv({ ...GATEWAY_VARS, ...extra });

/** An opt-in contender: this gateway, in process, with `setting` changed. */
function gatewayVariant(
  name: string,
  setting: string,
  { vars, nodeFlags }: { vars?: Record<string, string>; nodeFlags?: readonly string[] },
): ContenderSpec {
  return {
    name,
    title: `this gateway with ${setting}`,
    entry: 'contenders/gateway.ts',
    dialect: 'gateway',
    env: gatewayEnv(vars),
    ...(nodeFlags && { nodeFlags }),
    optIn: true,
  };
}

const MEMORY_REDUCER_OFF =
  "V8's memory reducer off (`--no-memory-reducer`): no collection to give memory back when the process goes idle";

const SHARED_CORE =
  'unpinned: on this 2-core machine the second core is shared with the simulator and load generator';

export const CONTENDERS: readonly ContenderSpec[] = [
  {
    name: 'gateway',
    title: 'this gateway (fastify + Apollo Server 5)',
    entry: 'contenders/gateway.ts',
    dialect: 'gateway',
    env: gatewayEnv(),
  },
  {
    name: 'gateway-jit',
    title: 'this gateway with GRAPHQL_JIT=true (graphql-jit)',
    entry: 'contenders/gateway.ts',
    dialect: 'gateway',
    env: gatewayEnv({ GRAPHQL_JIT: 'true' }),
  },
  {
    name: 'raw',
    title: 'raw baseline (node:http + graphql-js, same loaders and client)',
    entry: 'contenders/raw.ts',
    dialect: 'gateway',
    env: gatewayEnv(),
  },
  {
    name: 'raw-twin',
    title:
      "raw baseline again, in a second process: its ratios to raw measure the run's noise (A/A)",
    entry: 'contenders/raw.ts',
    dialect: 'gateway',
    env: gatewayEnv(),
  },
  {
    name: 'naive',
    title: 'naive baseline (raw, one REST call per field)',
    entry: 'contenders/naive.ts',
    dialect: 'gateway',
    env: gatewayEnv(),
  },
  {
    name: 'hive',
    title: 'Hive Gateway runtime + Mesh OpenAPI source',
    entry: 'contenders/hive.ts',
    dialect: 'mesh',
  },
  {
    name: 'raw-apollo',
    title:
      "raw's schema, loaders and client under Apollo Server 5 on node:http, none of the gateway's plugins or hooks: Apollo's own share",
    entry: 'contenders/apolloFloor.ts',
    dialect: 'gateway',
    env: { ...gatewayEnv(), BENCH_APOLLO_HTTP: 'node' },
    optIn: true,
  },
  {
    name: 'raw-fastify-apollo',
    title:
      "the stack's floor: raw's schema, loaders and client under fastify and Apollo Server 5 (@as-integrations/fastify), none of the gateway's plugins, hooks, CORS or limits",
    entry: 'contenders/apolloFloor.ts',
    dialect: 'gateway',
    env: { ...gatewayEnv(), BENCH_APOLLO_HTTP: 'fastify' },
  },
  gatewayVariant(
    'gateway-default-heap',
    "V8's default young generation (NODE_FLAGS without `--max-semi-space-size`)",
    { nodeFlags: flagsWithout(SEMI_SPACE_FLAG) },
  ),
  {
    name: 'raw-default-heap',
    title:
      "raw baseline on V8's default young generation (NODE_FLAGS without `--max-semi-space-size`)",
    entry: 'contenders/raw.ts',
    dialect: 'gateway',
    env: gatewayEnv(),
    nodeFlags: flagsWithout(SEMI_SPACE_FLAG),
    optIn: true,
  },
  gatewayVariant(
    'gateway-logging',
    'LOG_LEVEL=info (its default: one JSON line per request to stdout)',
    {
      vars: { LOG_LEVEL: 'info' },
    },
  ),
  gatewayVariant('gateway-ftv1', 'FEDERATED_TRACING=true (ftv1 traces when asked)', {
    vars: { FEDERATED_TRACING: 'true' },
  }),
  gatewayVariant(
    'gateway-pretenuring',
    "V8's allocation-site pretenuring on (its default; NODE_FLAGS without `--no-allocation-site-pretenuring`)",
    { nodeFlags: flagsWithout(NO_PRETENURING_FLAG) },
  ),
  gatewayVariant('gateway-no-memory-reducer', MEMORY_REDUCER_OFF, {
    nodeFlags: [...NODE_FLAGS, '--no-memory-reducer'],
  }),
  gatewayVariant('gateway-jit-no-memory-reducer', `GRAPHQL_JIT=true and ${MEMORY_REDUCER_OFF}`, {
    vars: { GRAPHQL_JIT: 'true' },
    nodeFlags: [...NODE_FLAGS, '--no-memory-reducer'],
  }),
  gatewayVariant(
    'gateway-jit-keep-bytecode',
    'GRAPHQL_JIT=true and bytecode never flushed (`--no-flush-bytecode`): code not run for a while is kept',
    { vars: { GRAPHQL_JIT: 'true' }, nodeFlags: [...NODE_FLAGS, '--no-flush-bytecode'] },
  ),
  {
    name: 'gateway-1worker',
    title: `this gateway through its process entry (src/index.ts), WEB_CONCURRENCY=1, ${SHARED_CORE}`,
    entry: '../src/index.ts',
    dialect: 'gateway',
    env: GATEWAY_VARS,
    workers: 1,
    optIn: true,
  },
  {
    name: 'gateway-2workers',
    title: `this gateway through its process entry (src/index.ts), WEB_CONCURRENCY=2 (node:cluster), ${SHARED_CORE}; CPU and memory are the primary's and both workers' together`,
    entry: '../src/index.ts',
    dialect: 'gateway',
    env: GATEWAY_VARS,
    workers: 2,
    optIn: true,
  },
];

/**
 * `spec`, one of the gateway contenders, run from another checkout (`--base`)
 * as `<name>-base`. It answers through that checkout's own contender entry
 * and source, so what differs between the two is the change under test.
 */
export function baseContender(checkout: string, spec: ContenderSpec): ContenderSpec {
  const entry = resolve(checkout, 'bench', spec.entry);
  if (!existsSync(entry)) throw new Error(`--base: no ${entry}; is it a checkout of this project?`);
  return {
    ...spec,
    name: `${spec.name}-base`,
    title: `${spec.name} from ${checkout} (--base)`,
    checkout,
  };
}

/** The contenders `--base` can take from another checkout: the gateway's own. */
export const hasBase = (spec: ContenderSpec): boolean => spec.entry === 'contenders/gateway.ts';
