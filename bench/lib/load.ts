/**
 * The closed-loop ways the harness sends load: one request at a time
 * (latency with no queueing, and an exact upstream trace per request), and
 * autocannon at a fixed number of connections (throughput); the open-loop
 * way is in openLoop.ts. Every request carries its own `x-request-id` and
 * `x-audit-user`, so no contender can serve one request from another's
 * upstream answers.
 */
import autocannon from 'autocannon';
import { Pool } from 'undici';
import type { Operation } from './shapes.js';

export interface Target {
  /** The contender's GraphQL endpoint. */
  endpoint: string;
  operation: Operation;
  /** Prefix of every request id sent, e.g. `r3-gateway-entities-`. */
  prefix: string;
}

export interface Reply {
  status: number;
  text: string;
}

export const headersFor = (id: string, extra?: Record<string, string>) => ({
  ...extra,
  'content-type': 'application/json',
  'x-request-id': id,
  'x-audit-user': `bench-${id}`,
});

/**
 * Whether an answer is the expected one. A trailing `extensions` member is
 * left out of the comparison: an ftv1 trace there differs on every request.
 */
export function sameAnswer(text: string, expected: string): boolean {
  return text === expected || withoutExtensions(text) === withoutExtensions(expected);
}

function withoutExtensions(text: string): string {
  const at = text.lastIndexOf(',"extensions":');
  return at === -1 ? text : `${text.slice(0, at)}}`;
}

export async function sendOnce(target: Target, suffix = 'probe'): Promise<Reply> {
  const pool = new Pool(new URL(target.endpoint).origin, { connections: 1 });
  try {
    const response = await pool.request({
      method: 'POST',
      path: new URL(target.endpoint).pathname,
      headers: headersFor(`${target.prefix}${suffix}`, target.operation.headers),
      body: JSON.stringify(target.operation),
    });
    return { status: response.statusCode, text: await response.body.text() };
  } finally {
    await pool.close();
  }
}

export interface Timed {
  id: string;
  ms: number;
  ok: boolean;
}

/** Sequential requests over one keep-alive connection for `seconds` (at most `maxRequests`). */
export async function latencyPass(
  target: Target,
  {
    seconds,
    maxRequests,
    expectBody,
  }: { seconds: number; maxRequests: number; expectBody: string },
): Promise<Timed[]> {
  const url = new URL(target.endpoint);
  const pool = new Pool(url.origin, { connections: 1 });
  const body = JSON.stringify(target.operation);
  const timed: Timed[] = [];
  const until = performance.now() + seconds * 1000;
  try {
    for (let n = 0; n < maxRequests && performance.now() < until; n++) {
      const id = `${target.prefix}${n}`;
      const started = performance.now();
      const response = await pool.request({
        method: 'POST',
        path: url.pathname,
        headers: headersFor(id, target.operation.headers),
        body,
      });
      const text = await response.body.text();
      timed.push({
        id,
        ms: performance.now() - started,
        ok: response.statusCode === 200 && sameAnswer(text, expectBody),
      });
    }
  } finally {
    await pool.close();
  }
  return timed;
}

export interface Throughput {
  completed: number;
  /** Non-2xx, socket errors, timeouts and bodies that differ from the expected answer. */
  errors: number;
  seconds: number;
  perSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

/**
 * autocannon's sample interval, ms. It checks `duration` only on this tick,
 * so a closed-loop window ends at the first tick after its seconds.
 */
const SAMPLE_MS = 1000;

/** How long a closed-loop window of `seconds` lasts: to autocannon's next tick. */
export const closedLoopSeconds = (seconds: number) =>
  (Math.ceil((seconds * 1000) / SAMPLE_MS) * SAMPLE_MS) / 1000;

/**
 * Requests that did not get the expected answer. autocannon's `errors`
 * counts its timeouts already (lib/run.js, onTimeout), so they are not
 * added again.
 */
export const failedRequests = (
  result: Pick<autocannon.Result, 'non2xx' | 'errors'>,
  mismatches: number,
) => result.non2xx + result.errors + mismatches;

/** Closed-loop load at `connections` for `seconds` (closedLoopSeconds in fact). */
export async function throughputPass(
  target: Target,
  {
    seconds,
    connections,
    expectBody,
  }: { seconds: number; connections: number; expectBody: string },
): Promise<Throughput> {
  let n = 0;
  let mismatches = 0;
  const body = JSON.stringify(target.operation);
  const result = await autocannon({
    url: target.endpoint,
    connections,
    duration: seconds,
    sampleInt: SAMPLE_MS,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        body,
        setupRequest: (request) => ({
          ...request,
          headers: headersFor(`${target.prefix}${n++}`, target.operation.headers),
        }),
        onResponse: (status, answer) => {
          if (status === 200 && !sameAnswer(answer, expectBody)) mismatches++;
        },
      },
    ],
  });
  const completed = result.requests.total;
  const errors = failedRequests(result, mismatches);
  return {
    completed,
    errors,
    seconds: result.duration,
    // `total` counts responses; socket errors and timeouts never had one.
    perSecond: (completed - result.non2xx - mismatches) / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}
