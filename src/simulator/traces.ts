/**
 * What one GraphQL request cost upstream, read from the request log: how
 * many REST calls, in how many sequential waves, and how long the upstream
 * critical path (the union of the call intervals) took. Requests are told
 * apart by the `x-request-id` the gateway forwards.
 *
 * Waves are read from timestamps, so a pause of the caller between two
 * calls of one wave (a GC, a CPU time slice) looks like a second wave when
 * it outlasts the fastest answer. Count them at a latency well above such
 * pauses (tens of ms) for an exact figure.
 */
import { now, type RequestLogEntry } from './requestLog.js';

export interface UpstreamTrace {
  calls: number;
  waves: number;
  /** Milliseconds covered by at least one upstream call. */
  criticalMs: number;
  /** Calls that ended without a 200 or a 404: another status, or none (a reset, a cut). */
  failed: number;
}

/** Groups the log by request id (only ids starting with `prefix`). */
export function traceRequests(
  entries: readonly RequestLogEntry[],
  prefix: string,
): Record<string, UpstreamTrace> {
  const byRequest = new Map<string, RequestLogEntry[]>();
  for (const entry of entries) {
    const id = entry.headers['x-request-id'];
    if (typeof id !== 'string' || !id.startsWith(prefix)) continue;
    const list = byRequest.get(id);
    if (list) list.push(entry);
    else byRequest.set(id, [entry]);
  }
  const traces: Record<string, UpstreamTrace> = {};
  for (const [id, calls] of byRequest) traces[id] = trace(calls);
  return traces;
}

function trace(calls: RequestLogEntry[]): UpstreamTrace {
  // A call still open has lasted until now, not no time at all: it is on
  // the critical path, and no later call of its wave opens another.
  const open = now();
  const spans = calls
    .map((call) => ({ start: call.startedAt, end: call.endedAt ?? open }))
    .sort((a, b) => a.start - b.start);
  return {
    calls: calls.length,
    waves: countWaves(spans),
    criticalMs: unionLength(spans),
    // A call still open has not failed (yet); one closed without a status has.
    failed: calls.filter(
      (call) => call.endedAt !== undefined && call.status !== 200 && call.status !== 404,
    ).length,
  };
}

/**
 * Calls of one wave leave together, before any of them has answered; a call
 * that starts after the first answer of the current wave needed something
 * from it (or waited for a free connection), so it opens the next wave.
 */
function countWaves(spans: readonly { start: number; end: number }[]): number {
  let waves = 0;
  let firstEnd = -Infinity;
  for (const span of spans) {
    if (span.start >= firstEnd) {
      waves++;
      firstEnd = span.end;
    } else {
      firstEnd = Math.min(firstEnd, span.end);
    }
  }
  return waves;
}

function unionLength(spans: readonly { start: number; end: number }[]): number {
  let total = 0;
  let from = -Infinity;
  let to = -Infinity;
  for (const span of spans) {
    if (span.start > to) {
      if (to > from) total += to - from;
      from = span.start;
      to = span.end;
    } else if (span.end > to) {
      to = span.end;
    }
  }
  if (to > from) total += to - from;
  return total;
}
