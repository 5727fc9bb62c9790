/**
 * One API request from arrival to the last byte: log and gauge it, let a
 * fault rule change it, wait out the latency, then answer (or not).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { deliver, type Body } from './deliver.js';
import { hasBasicCredentials } from './basicAuth.js';
import { answer, type Credentials } from './endpoints.js';
import { HTML_PAGE, INVALID_JSON, oversizeJson } from './faultBodies.js';
import type { FaultController, FaultDecision } from './faults.js';
import type { ConcurrencyGauge } from './gauge.js';
import type { Random } from './random.js';
import { MAX_TIMER_MS } from './faultRule.js';
import { errorReply } from './reply.js';
import { now, type RequestLog } from './requestLog.js';
import { matchRoute, type RouteMatch } from './routes.js';
import type { SimulatorData } from './seed.js';

/** Simulator-wide latency; a fault rule's latency replaces it. */
export interface Latency {
  fixedMs: number;
  jitterMs: number;
}

/** Everything a request handler reads or updates. */
export interface ApiContext {
  data: SimulatorData;
  credentials: Credentials;
  log: RequestLog;
  faults: FaultController;
  gauge: ConcurrencyGauge;
  /** The stream latency jitter draws from. */
  jitter: () => Random;
  /** The number of the connection a request came on (RequestLogEntry.connection). */
  connectionOf: (socket: Socket) => number;
  latency: () => Latency;
  /** Aborted on close, so waits and drips stop. */
  signal: AbortSignal;
}

/** Serves one request to an API path. */
export async function handleApi(
  req: IncomingMessage,
  res: ServerResponse,
  context: ApiContext,
): Promise<void> {
  // Split by hand: `new URL` would resolve `%2e%2e` segments and hide what the client sent.
  const target = req.url ?? '/';
  const queryStart = target.indexOf('?');
  const pathname = queryStart < 0 ? target : target.slice(0, queryStart);
  const url = {
    pathname,
    searchParams: new URLSearchParams(queryStart < 0 ? '' : target.slice(queryStart + 1)),
  };
  const match = matchRoute(pathname);
  const { username, password } = context.credentials;
  const authorized = hasBasicCredentials(req.headers.authorization, username, password);
  const entry = context.log.start({
    method: req.method ?? 'GET',
    path: url.pathname,
    route: match?.route,
    id: match?.id,
    query: queryRecord(url.searchParams),
    headers: withoutCredentials(req.headers),
    authorized,
    connection: context.connectionOf(req.socket),
    startedAt: now(),
  });
  context.gauge.enter();
  // A kept-alive socket counts every reply it carried.
  const { socket } = req;
  const writtenBefore = socket.bytesWritten;
  res.once('close', () => {
    context.gauge.leave();
    entry.endedAt = now();
    entry.bytesWritten = socket.bytesWritten - writtenBefore;
    entry.status = res.headersSent ? res.statusCode : undefined;
  });
  // GETs carry no body, but drain anything sent so the connection stays usable.
  req.resume();

  // Faults stand for the issuer failing the gateway: a request without the
  // credentials takes none (and spends none), and gets its 401, so a fault
  // test cannot pass for a gateway that stopped sending them.
  const fault = authorized
    ? context.faults.take({ route: match?.route, id: match?.id })
    : undefined;
  entry.faultId = fault?.ruleId;
  const delayMs =
    fault?.rule.latencyMs !== undefined
      ? jittered(context.jitter(), fault.rule.latencyMs, fault.rule.jitterMs ?? 0)
      : jittered(context.jitter(), context.latency().fixedMs, context.latency().jitterMs);
  if (delayMs > 0) {
    try {
      // Fixed and jitter each fit a timer; together they may not, and a longer timer fires at once.
      await sleep(Math.min(delayMs, MAX_TIMER_MS), undefined, { signal: context.signal });
    } catch {
      return;
    }
  }
  if (res.destroyed) return;
  if (fault?.rule.hang) return;
  if (fault?.rule.reset) {
    req.socket.resetAndDestroy();
    return;
  }
  if (fault?.rule.notHttp) {
    req.socket.end('SSH-2.0-OpenSSH_9.6\r\n');
    return;
  }

  const { status, headers, body } = respond(req, url, match, fault, context);
  await deliver(res, status, headers, body, {
    bytesPerSecond: fault?.rule.slowBodyBytesPerSecond,
    truncate: fault?.rule.truncateBody === true,
    chunked: fault?.rule.chunked === true,
    signal: context.signal,
  });
}

function respond(
  req: IncomingMessage,
  url: { pathname: string; searchParams: URLSearchParams },
  match: RouteMatch | undefined,
  fault: FaultDecision | undefined,
  context: ApiContext,
): { status: number; headers: Record<string, string>; body: Body } {
  const rule = fault?.rule;
  const status = fault?.status;
  const headers: Record<string, string> = {};
  if (rule?.redirectTo !== undefined) {
    const redirectStatus = status !== undefined && status >= 300 && status < 400 ? status : 302;
    if (rule.retryAfter !== undefined) headers['retry-after'] = rule.retryAfter;
    return { status: redirectStatus, headers: { ...headers, location: rule.redirectTo }, body: '' };
  }
  if (rule?.retryAfter !== undefined && status !== undefined && !isSuccess(status)) {
    headers['retry-after'] = rule.retryAfter;
  }
  const bodyStatus = status ?? 200;
  if (rule?.invalidJson)
    return {
      status: bodyStatus,
      headers: { ...headers, 'content-type': 'application/json' },
      body: INVALID_JSON,
    };
  if (rule?.html)
    return {
      status: bodyStatus,
      headers: { ...headers, 'content-type': 'text/html; charset=utf-8' },
      body: HTML_PAGE,
    };
  if (rule?.body !== undefined) {
    return {
      status: bodyStatus,
      headers: { ...headers, 'content-type': rule.contentType ?? 'application/json' },
      body: rule.body,
    };
  }
  if (rule?.oversizeBytes !== undefined) {
    const bytes = rule.oversizeBytes;
    return {
      status: bodyStatus,
      headers: { ...headers, 'content-type': 'application/json' },
      body: { length: bytes, chunks: () => oversizeJson(bytes) },
    };
  }
  if (status !== undefined && !isSuccess(status)) {
    const reply = errorReply(status, `Simulated failure (fault ${fault?.ruleId}).`, headers);
    return reply;
  }
  const reply = answer(
    {
      method: req.method ?? 'GET',
      pathname: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
    },
    match,
    context.data,
    context.credentials,
  );
  return { status: reply.status, headers: { ...reply.headers, ...headers }, body: reply.body };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function jittered(random: Random, fixedMs: number, jitterMs: number): number {
  return jitterMs > 0 ? fixedMs + random.next() * jitterMs : fixedMs;
}

// Built through a Map so a `__proto__` parameter becomes a plain key, not a prototype.
function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const values = new Map<string, string[]>();
  for (const [key, value] of params) {
    const list = values.get(key);
    if (list) list.push(value);
    else values.set(key, [value]);
  }
  return Object.fromEntries(
    [...values].map(([key, list]) => [key, list.length === 1 ? (list[0] as string) : list]),
  );
}

const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'] as const;

/**
 * The headers the log keeps: never credentials, which `/__admin/log` would
 * hand to anyone who knows the simulator's own, a wrong pair sent by a
 * client configured for the real issuer included.
 */
function withoutCredentials(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept = { ...headers };
  for (const name of CREDENTIAL_HEADERS) delete kept[name];
  return kept;
}
