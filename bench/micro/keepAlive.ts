/**
 * Sequential upstream calls on one kept-alive socket, as a child process
 * (pinned like a contender), against the harness's simulator at no latency.
 *
 * undici 7.28.0 to 7.29.0 waited for a timer (`setTimeout(0)`) before every
 * reuse of a kept-alive socket, 1 to 1.5 ms a call: more than the whole
 * latency budget a request of two waves has (nodejs/undici #5493;
 * PERFORMANCE.md §3 and §9). This measures one call at a time on the
 * version installed, two ways in interleaved rounds: undici's `request` on a
 * one-socket Pool (the floor), and the client the baselines share with the
 * gateway (exact parse, decoding, resilience policy) on a one-socket Pool of
 * its own. Each path counts the sockets it opened:
 * 1 when every call reused the first.
 */
import { Pool } from 'undici';
import { FIXTURES } from '../../src/simulator/index.js';
import { baselineConfig, createBaselineClient } from '../contenders/baselineClient.js';
import { upstreamFromEnv, type UpstreamEnv } from '../contenders/upstreamEnv.js';
import { runChild } from '../lib/contenderProcess.js';
import { percentile, seededRandom, shuffled } from '../lib/stats.js';

export interface KeepAliveResult {
  path: 'undici request' | 'gateway client';
  calls: number;
  p50Ms: number;
  p99Ms: number;
  /** Sockets opened over the whole measurement, warm-up included (the report's "sockets"). */
  connections: number;
}

export interface KeepAlivePlan {
  rounds: number;
  callsPerRound: number;
}

const CUSTOMER = FIXTURES.customerWith75;
const AUDIT_USER = 'bench-keep-alive';

interface Path {
  name: KeepAliveResult['path'];
  call: () => Promise<void>;
  pool: Pool;
  connections: number;
  samples: number[];
}

function onePool(url: string): Pool {
  return new Pool(url, { connections: 1, pipelining: 1 });
}

function paths(upstream: UpstreamEnv): Path[] {
  const authorization =
    'Basic ' + Buffer.from(`${upstream.username}:${upstream.password}`).toString('base64');
  const undiciPool = onePool(upstream.url);
  const clientPool = onePool(upstream.url);
  const client = createBaselineClient(baselineConfig(), clientPool);
  const list: Path[] = [
    {
      name: 'undici request',
      pool: undiciPool,
      connections: 0,
      samples: [],
      call: async () => {
        const { statusCode, body } = await undiciPool.request({
          method: 'GET',
          path: `/customer/v3/${CUSTOMER}?auditUser=${AUDIT_USER}`,
          headers: { authorization, accept: 'application/json' },
        });
        await body.text();
        if (statusCode !== 200) throw new Error(`The simulator answered ${statusCode}.`);
      },
    },
    {
      name: 'gateway client',
      pool: clientPool,
      connections: 0,
      samples: [],
      call: async () => {
        const customer = await client.getCustomer(CUSTOMER, { auditUser: AUDIT_USER });
        if (customer === null) throw new Error('The simulator has no benchmark customer.');
      },
    },
  ];
  for (const path of list) path.pool.on('connect', () => path.connections++);
  return list;
}

export async function measureKeepAlive(plan: KeepAlivePlan): Promise<KeepAliveResult[]> {
  const list = paths(upstreamFromEnv());
  const random = seededRandom(11);
  try {
    for (const path of list) {
      // As many calls again first, so V8 has optimized both paths before any is timed.
      for (let n = 0; n < plan.callsPerRound; n++) await path.call();
    }
    for (let round = 0; round < plan.rounds; round++) {
      for (const path of shuffled(list, random)) {
        for (let n = 0; n < plan.callsPerRound; n++) {
          const started = performance.now();
          await path.call();
          path.samples.push(performance.now() - started);
        }
      }
    }
    return list.map(({ name, samples, connections }) => ({
      path: name,
      calls: samples.length,
      p50Ms: percentile(samples, 50),
      p99Ms: percentile(samples, 99),
      connections,
    }));
  } finally {
    await Promise.all(list.map((path) => path.pool.close()));
  }
}

runChild(async () => ({
  url: '',
  calls: { run: (plan: KeepAlivePlan) => measureKeepAlive(plan) },
  close: async () => undefined,
}));
