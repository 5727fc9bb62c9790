/** Who runs in the comparison, and how each is started. */
import type { Dialect } from './shapes.js';

export interface ContenderSpec {
  name: string;
  title: string;
  /** Entry file relative to `bench/`. */
  entry: string;
  dialect: Dialect;
  env?: Record<string, string>;
}

/**
 * Configuration shared by every contender built from this project's code.
 * The operation limits refuse 20 root fields by alias by default
 * (MAX_ROOT_FIELDS=10, MAX_ALIASES=15), and the bulkhead queue (256 calls)
 * sheds closed-loop load of 16 connections × 30 calls; the benchmark raises
 * both as an operator would for such clients. The baselines use the same
 * client and policy but have no operation limits at all.
 */
const GATEWAY_ENV = JSON.stringify({
  MAX_ROOT_FIELDS: '25',
  MAX_ALIASES: '25',
  MAX_TOKENS: '5000',
  ENFUCE_QUEUE_SIZE: '2048',
});

export const CONTENDERS: readonly ContenderSpec[] = [
  {
    name: 'gateway',
    title: 'this gateway (fastify + Apollo Server 5)',
    entry: 'contenders/gateway.ts',
    dialect: 'gateway',
    env: { BENCH_GATEWAY_ENV: GATEWAY_ENV },
  },
  {
    name: 'gateway-jit',
    title: 'this gateway with GRAPHQL_JIT=true (graphql-jit)',
    entry: 'contenders/gateway.ts',
    dialect: 'gateway',
    env: { BENCH_GATEWAY_ENV: JSON.stringify({ ...JSON.parse(GATEWAY_ENV), GRAPHQL_JIT: 'true' }) },
  },
  {
    name: 'raw',
    title: 'raw baseline (node:http + graphql-js, same loaders and client)',
    entry: 'contenders/raw.ts',
    dialect: 'gateway',
    env: { BENCH_GATEWAY_ENV: GATEWAY_ENV },
  },
  {
    name: 'naive',
    title: 'naive baseline (raw, one REST call per field)',
    entry: 'contenders/naive.ts',
    dialect: 'gateway',
    env: { BENCH_GATEWAY_ENV: GATEWAY_ENV },
  },
  {
    name: 'hive',
    title: 'Hive Gateway runtime + Mesh OpenAPI source',
    entry: 'contenders/hive.ts',
    dialect: 'mesh',
  },
];
