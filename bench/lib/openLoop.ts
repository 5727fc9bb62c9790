/**
 * Open-loop load: requests leave on a fixed schedule (constant arrival
 * rate) whether or not earlier ones have answered, and each latency runs
 * from the request's scheduled send time, so a contender that stalls is
 * charged for every request that should have gone out meanwhile (no
 * coordinated omission).
 */
import { Pool } from 'undici';
import { headersFor, sameAnswer, type Target } from './load.js';
import { percentile } from './stats.js';

export interface OpenLoopPass {
  /** Requests scheduled (and sent). */
  sent: number;
  /** Non-200s, bodies that differ from the expected answer, timeouts and socket errors. */
  errors: number;
  /** Of the errors, 503 answers: requests the contender shed. */
  shed: number;
  /** The errors by what went wrong: `HTTP 502`, `200 with UPSTREAM_TIMEOUT`, `no answer (UND_ERR_…)`. */
  errorKinds: Record<string, number>;
  /** Per request, scheduled send time to the end of the answer (failures: to the failure), ms. */
  latencies: number[];
  /** The same, for the requests answered correctly only. */
  answeredLatencies: number[];
  /** How late the generator itself sent, p99, ms: a large value means the load side, not the contender, fell behind. */
  sendLagP99Ms: number;
}

/**
 * More sockets than 70 % of raw's closed-loop rate ever keeps busy (Little's law: some
 * hundred requests a second at tens of ms is a few dozen in flight). A
 * contender that falls further behind makes requests wait in the pool's
 * queue, which still counts from the scheduled time. The overload mode
 * passes more, so the queue forms in the contender, as with many callers.
 */
const CONNECTIONS = 64;
/** An answer later than this is an error, so a pass always ends. */
const TIMEOUT_MS = 10_000;

export async function openLoopPass(
  target: Target,
  {
    rate,
    seconds,
    expectBody,
    connections = CONNECTIONS,
    preconnect = false,
  }: {
    rate: number;
    seconds: number;
    expectBody: string;
    connections?: number;
    /** Open every socket before the window, so connection setup is not measured. */
    preconnect?: boolean;
  },
): Promise<OpenLoopPass> {
  const url = new URL(target.endpoint);
  const pool = new Pool(url.origin, {
    connections,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  });
  const body = JSON.stringify(target.operation);
  const total = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const answeredLatencies: number[] = [];
  const lags: number[] = [];
  const inFlight: Promise<void>[] = [];
  let errors = 0;
  let shed = 0;
  const errorKinds: Record<string, number> = {};
  const failed = (kind: string) => {
    errors++;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };

  const send = async (n: number, scheduled: number) => {
    lags.push(performance.now() - scheduled);
    try {
      const response = await pool.request({
        method: 'POST',
        path: url.pathname,
        headers: headersFor(`${target.prefix}${n}`, target.operation.headers),
        body,
      });
      const text = await response.body.text();
      const latency = performance.now() - scheduled;
      latencies.push(latency);
      if (response.statusCode === 200 && sameAnswer(text, expectBody)) {
        answeredLatencies.push(latency);
        return;
      }
      if (response.statusCode === 503) shed++;
      failed(errorKind(response.statusCode, text));
    } catch (error) {
      failed(`no answer (${(error as { code?: string }).code ?? String(error)})`);
      latencies.push(performance.now() - scheduled);
    }
  };

  try {
    if (preconnect) {
      // As many requests at once as sockets: the pool opens one for each.
      await Promise.all(
        Array.from({ length: connections }, () =>
          pool.request({ method: 'GET', path: '/health/live' }).then(({ body }) => body.dump()),
        ),
      );
    }
    const start = performance.now();
    for (let n = 0; n < total;) {
      // Timers wake late by up to a millisecond or so: everything due by
      // now goes out at once, each timed from its own slot.
      const now = performance.now();
      for (; n < total && start + n * interval <= now; n++) {
        inFlight.push(send(n, start + n * interval));
      }
      if (n < total) await sleep(start + n * interval - performance.now());
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  return {
    sent: total,
    errors,
    shed,
    errorKinds,
    latencies,
    answeredLatencies,
    sendLagP99Ms: percentile(lags, 99),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** What a wrong answer was: its status, or for a 200 the error codes it carried. */
function errorKind(status: number, text: string): string {
  if (status !== 200) return `HTTP ${status}`;
  try {
    const errors = (JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors;
    const codes = [...new Set((errors ?? []).map((e) => e.extensions?.code ?? 'no code'))];
    return codes.length > 0 ? `200 with ${codes.join(', ')}` : '200 with other data';
  } catch {
    return '200 without JSON';
  }
}
