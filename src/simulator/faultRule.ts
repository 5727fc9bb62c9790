/**
 * The shape of a fault rule and its validation. Rules arrive from tests (in
 * process) and from the admin endpoint (as JSON), so both go through the
 * same schema and fail with the same messages.
 */
import { validateHeaderValue } from 'node:http';
import { z } from 'zod';
import { ROUTE_NAMES, type RouteName } from './routes.js';

/**
 * One way to misbehave. A rule matches requests with the API's credentials
 * by `route` and `id` (both optional: a rule with neither matches every such
 * request, including unknown paths); a request without them gets its 401
 * and spends no rule. What happens is the combination of the fields set:
 *
 * - timing: `latencyMs` (+ random `jitterMs`, which needs it) replaces the
 *   simulator's latency for matched requests, each at most 2^31 − 1 ms;
 * - instead of answering: `hang` (never answer), `reset` (destroy the socket
 *   with a TCP RST), `notHttp` (bytes that are not HTTP, then close),
 *   `redirectTo` (302, or `status` if it is a 3xx);
 * - status (200 to 599): `status` (every time) or `statuses` (one per
 *   request in order, then the rule is spent; with a larger `times` the list
 *   repeats). A 2xx entry means "answer normally". Non-2xx statuses get the
 *   simulator's JSON error body `{"status": N, "message": "..."}` and, when
 *   set, `retryAfter`;
 * - body: `invalidJson`, `html`, `body` (raw text, `contentType` defaults to
 *   JSON) or `oversizeBytes` (valid JSON of exactly N bytes, at most
 *   256 MiB) replace the body, with `status`/`statuses` giving the status
 *   (default 200);
 * - delivery: `slowBodyBytesPerSecond` (headers at once, then the body in
 *   drips), `truncateBody` (Content-Length promises the whole body, half is
 *   sent, then the socket closes) and `chunked` (no Content-Length: the
 *   client learns the body's size only by reading it).
 *
 * Rules are tried in the order they were added and the first match wins.
 */
export interface FaultRule {
  /** Only requests to this route. */
  route?: RouteName;
  /** Only requests whose path id is exactly this string. */
  id?: string;
  /** Apply to at most this many requests, then the rule is spent (default: unlimited, or the length of `statuses`). */
  times?: number;
  /**
   * Chance from 0 to 1 that a matching request is affected (default 1). A request
   * that is spared falls through to later rules and does not count toward `times`.
   */
  probability?: number;
  /** Delay before answering, in ms; replaces the simulator-wide latency for matched requests. */
  latencyMs?: number;
  /** Extra random delay in [0, jitterMs) on top of `latencyMs`. */
  jitterMs?: number;
  /** Answer this status on every matched request. */
  status?: number;
  /** Answer these statuses in order, one per matched request; e.g. [503, 503, 200], then normal again. */
  statuses?: number[];
  /** `Retry-After` header value sent with non-2xx statuses, e.g. "1" or an HTTP date. */
  retryAfter?: string;
  /** Never answer; the request stays open until the client gives up or the simulator closes. */
  hang?: true;
  /** Send headers at once, then the body at this many bytes per second. */
  slowBodyBytesPerSecond?: number;
  /** A body that is not valid JSON, sent as application/json. */
  invalidJson?: true;
  /** An HTML error page, sent as text/html. */
  html?: true;
  /** This raw text as the body. */
  body?: string;
  /** Content type for `body` (default application/json). */
  contentType?: string;
  /** A valid JSON body of exactly this many bytes (at least 2). */
  oversizeBytes?: number;
  /** Promise the full Content-Length, send half of the body, then close the socket. */
  truncateBody?: true;
  /** Send the body chunked, without Content-Length. */
  chunked?: true;
  /** Destroy the connection (TCP RST) instead of answering. */
  reset?: true;
  /** Answer with bytes that are not HTTP, then close the connection. */
  notHttp?: true;
  /** Answer 302 (or `status`, when 3xx) with this `Location`. */
  redirectTo?: string;
}

// 1xx are interim answers: Node sends them without ending the request.
const httpStatus = z.number().int().min(200).max(599);
const positiveInt = z.number().int().positive();
// Node's timers take a longer delay as 1 ms.
export const MAX_TIMER_MS = 2 ** 31 - 1;
const delayMs = z.number().min(0).max(MAX_TIMER_MS);
// Truncated or dripped bodies are built chunk by chunk, but each still takes the client's memory.
const MAX_OVERSIZE_BYTES = 256 * 1024 * 1024;
// A value Node refuses to write would answer every matched request with 500 instead.
const headerValue = z
  .string()
  .min(1)
  .refine(isHeaderValue, { message: 'must be a valid HTTP header value' });

const schema = z
  .strictObject({
    route: z.enum(ROUTE_NAMES as [RouteName, ...RouteName[]]).optional(),
    id: z.string().min(1).optional(),
    times: positiveInt.optional(),
    probability: z.number().min(0).max(1).optional(),
    latencyMs: delayMs.optional(),
    jitterMs: delayMs.optional(),
    status: httpStatus.optional(),
    statuses: z.array(httpStatus).min(1).optional(),
    retryAfter: headerValue.optional(),
    hang: z.literal(true).optional(),
    slowBodyBytesPerSecond: positiveInt.optional(),
    invalidJson: z.literal(true).optional(),
    html: z.literal(true).optional(),
    body: z.string().optional(),
    contentType: headerValue.optional(),
    oversizeBytes: z.number().int().min(2).max(MAX_OVERSIZE_BYTES).optional(),
    truncateBody: z.literal(true).optional(),
    chunked: z.literal(true).optional(),
    reset: z.literal(true).optional(),
    notHttp: z.literal(true).optional(),
    redirectTo: headerValue.optional(),
  })
  .refine((rule) => rule.status === undefined || rule.statuses === undefined, {
    message: 'Give either status or statuses, not both.',
  })
  .refine((rule) => rule.jitterMs === undefined || rule.latencyMs !== undefined, {
    message: 'jitterMs adds to latencyMs: give latencyMs too.',
  })
  .refine((rule) => !(rule.chunked && rule.truncateBody), {
    message: 'truncateBody cuts a body short of its Content-Length, which chunked leaves out.',
  })
  .refine(
    (rule) =>
      [rule.invalidJson, rule.html, rule.body, rule.oversizeBytes].filter((v) => v !== undefined)
        .length <= 1,
    { message: 'Give at most one of invalidJson, html, body and oversizeBytes.' },
  )
  .refine(
    (rule) =>
      [rule.hang, rule.reset, rule.notHttp, rule.redirectTo].filter((v) => v !== undefined)
        .length <= 1,
    { message: 'Give at most one of hang, reset, notHttp and redirectTo.' },
  );

/** Checks a rule from a test or the admin endpoint; throws a TypeError naming what is wrong. */
export function parseFaultRule(input: unknown): FaultRule {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    );
    throw new TypeError(`Invalid fault rule: ${problems.join('; ')}.`);
  }
  // Drop keys given as undefined so the stored rule prints cleanly.
  return Object.fromEntries(
    Object.entries(result.data).filter(([, value]) => value !== undefined),
  ) as FaultRule;
}

function isHeaderValue(value: string): boolean {
  try {
    validateHeaderValue('x', value);
    return true;
  } catch {
    return false;
  }
}
