/**
 * The operator's log: one line per GraphQL request and one per failed
 * upstream call, both carrying the request id. Fields are picked one by one;
 * no request, header, token or error object is ever handed to the logger, so
 * nothing secret can ride along, and the lines skip the logger's redaction
 * by path, which would cost more than the line itself.
 */
import type { Logger } from 'pino';
import { withoutRedaction, type PlainField } from '../logger.js';
import type { UpstreamObserver } from '../upstream/client.js';
import type { UpstreamPolicyEvent } from '../upstream/policy.js';
import type { SummaryListener } from './requestSummary.js';

/**
 * `graphql request`: request id, operation, caller, status, outcome, time,
 * upstream calls, error codes, and with tracing on the trace id.
 */
export function logRequests(logger: Logger): SummaryListener {
  const lines = withoutRedaction(logger);
  return (summary, request) => {
    lines.info(
      {
        requestId: summary.requestId,
        ...(request.traceId !== null && { traceId: request.traceId }),
        operation: summary.operationName ?? null,
        sub: summary.sub ?? null,
        ...(summary.issuer !== undefined && { issuer: summary.issuer }),
        status: summary.status,
        outcome: summary.outcome,
        durationMs: round(summary.durationMs),
        upstreamCalls: summary.upstreamCalls,
        errorCodes: summary.errorCodes,
      } satisfies Record<string, PlainField>,
      'graphql request',
    );
  };
}

/**
 * `upstream call failed`: one line per failed attempt (a retried call can
 * log more than one), with the route template rather than the path, and the
 * contract code and the transport's error code (`ECONNREFUSED`,
 * `ENOTFOUND`) rather than its message, which names hosts.
 */
export function logUpstreamFailures(logger: Logger): UpstreamObserver {
  const lines = withoutRedaction(logger);
  return (attempt, scope) => {
    // A call cut off because its caller left is no failure of the issuer's.
    if (attempt.error === undefined || attempt.error.code === 'REQUEST_CANCELLED') return;
    lines.warn(
      {
        requestId: scope.requestId ?? null,
        endpoint: attempt.endpoint,
        status: attempt.status ?? null,
        code: attempt.error.code,
        cause: transportCode(attempt.error),
        durationMs: round(attempt.durationMs),
      } satisfies Record<string, PlainField>,
      'upstream call failed',
    );
  };
}

/**
 * `upstream circuit open` (warn), `… half-open`, `… closed` (info): the
 * moments the gateway stops calling the issuer and starts again, which
 * otherwise show only as a metric.
 */
export function logCircuitChanges(logger: Logger): (event: UpstreamPolicyEvent) => void {
  const lines = withoutRedaction(logger);
  return (event) => {
    if (event.type !== 'circuit') return;
    const line = { circuit: event.state } satisfies Record<string, PlainField>;
    if (event.state === 'open') lines.warn(line, 'upstream circuit open');
    else lines.info(line, `upstream circuit ${event.state}`);
  };
}

// Node's and undici's codes: upper case, digits and underscores, never a host.
const TRANSPORT_CODE = /^[A-Z][A-Z0-9_]{1,47}$/;

/** The code of the transport failure under an upstream error, if it has one. */
function transportCode(error: Error): string | null {
  let cause = error.cause;
  // undici sometimes wraps the socket's error once more.
  for (let depth = 0; depth < 3 && typeof cause === 'object' && cause !== null; depth++) {
    const { code } = cause as { code?: unknown };
    if (typeof code === 'string' && TRANSPORT_CODE.test(code)) return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return null;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
