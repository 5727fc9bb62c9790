/**
 * Feeds the gateway's instruments (metrics.ts) from the request
 * summaries, the upstream client's attempts and fastify's request lifecycle.
 */
import type { FastifyInstance } from 'fastify';
import type { GatewayMetrics } from './metrics.js';
import type { UpstreamAttempt, UpstreamObserver } from '../upstream/client.js';
import type { SummaryListener } from './requestSummary.js';

// Codes are the contract's and Apollo's fixed sets; anything else is folded.
const ERROR_CODE = /^[A-Z][A-Z_]{0,47}$/;
const MAX_ERROR_CODES = 50;

/** Request duration by operation and outcome, upstream calls per operation, error codes. */
export function recordRequests(metrics: GatewayMetrics): SummaryListener {
  const seenCodes = new Set<string>();
  const codeLabel = (code: string): string => {
    if (seenCodes.has(code)) return code;
    if (seenCodes.size >= MAX_ERROR_CODES || !ERROR_CODE.test(code)) return 'OTHER';
    seenCodes.add(code);
    return code;
  };

  return (summary) => {
    const operation = metrics.operationLabel(summary.operationName);
    metrics.requestDuration.observe(
      { operation, outcome: summary.outcome },
      summary.durationMs / 1000,
    );
    metrics.upstreamCallsPerOperation.observe({ operation }, summary.upstreamCalls);
    for (const code of summary.errorCodes) metrics.graphqlErrors.inc({ code: codeLabel(code) });
  };
}

/**
 * GraphQL requests received and not answered yet. A request whose caller
 * hung up counts until its answer is ready, as load shedding counts it: the
 * work it started goes on.
 */
export function trackInFlight(app: FastifyInstance, metrics: GatewayMetrics): SummaryListener {
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.graphql) metrics.requestsInFlight.inc();
    done();
  });
  return () => metrics.requestsInFlight.dec();
}

/** Upstream calls and their duration by route template and status. */
export function recordUpstream(metrics: GatewayMetrics): UpstreamObserver {
  return (attempt) => {
    const labels = { endpoint: attempt.endpoint, status: statusLabel(attempt) };
    metrics.upstreamCalls.inc(labels);
    metrics.upstreamDuration.observe(labels, attempt.durationMs / 1000);
    for (const field of attempt.unreadable) {
      metrics.upstreamUnreadable.inc({ endpoint: attempt.endpoint, field });
    }
  };
}

/** Loader batch sizes; loader names are a fixed set. */
export function recordBatch(metrics: GatewayMetrics): (loader: string, size: number) => void {
  return (loader, size) => metrics.loaderBatchSize.observe({ loader }, size);
}

/** The HTTP status, or what happened instead of one (or to a 200 that could not be used). */
function statusLabel(attempt: UpstreamAttempt): string {
  // Before the status: a caller may leave, or the deadline pass, while a
  // 200's body is still coming.
  if (attempt.error?.code === 'REQUEST_CANCELLED') return 'cancelled';
  if (attempt.error?.code === 'UPSTREAM_TIMEOUT') return 'timeout';
  if (attempt.status === 200 && attempt.error !== undefined) return 'unusable';
  if (attempt.status === undefined) return 'network';
  // Any of some 900 statuses may come back (a proxy's, a teapot's): those
  // the issuer or the gateway's policy speaks of keep their number, the rest
  // their class, so that a histogram's series stay few.
  return NAMED_STATUSES.has(attempt.status)
    ? String(attempt.status)
    : `${Math.min(Math.max(Math.floor(attempt.status / 100), 1), 9)}xx`;
}

const NAMED_STATUSES: ReadonlySet<number> = new Set([
  200, 204, 301, 302, 303, 307, 308, 400, 401, 403, 404, 405, 406, 408, 409, 410, 413, 415, 422,
  429, 500, 501, 502, 503, 504,
]);
