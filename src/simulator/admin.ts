/**
 * The admin endpoint under `/__admin/`, for tests and benchmark scripts that
 * drive a simulator in another process. It takes the API's Basic
 * credentials (a simulator bound beyond loopback must not take faults from
 * anyone on the network), and its requests are neither logged nor counted.
 * Routes:
 *
 * - `GET /__admin/faults` → `{ faults: FaultRuleState[] }`
 * - `POST /__admin/faults` with a FaultRule as JSON → 201 `{ id }` (400 if invalid, 413 over 64 KiB)
 * - `DELETE /__admin/faults` → 204, all rules removed
 * - `DELETE /__admin/faults/{id}` → 204, or 404 for an unknown id
 * - `GET /__admin/log[?route=name]` → `{ entries: RequestLogEntry[] }`
 * - `DELETE /__admin/log` → 204
 * - `GET /__admin/stats` → `{ inFlight, maxInFlight, requests }`
 * - `POST /__admin/stats/reset` → 204
 * - `GET /__admin/latency` → `{ fixedMs, jitterMs }`; `PUT` with the same shape → 204
 * - `POST /__admin/reset` → 204: no rules, empty log, gauge reset, starting latency
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasBasicCredentials } from './basicAuth.js';
import type { Credentials } from './endpoints.js';
import type { Latency } from './handleApi.js';
import type { FaultController, FaultRule } from './faults.js';
import { MAX_TIMER_MS } from './faultRule.js';
import type { ConcurrencyGauge } from './gauge.js';
import type { RequestLog } from './requestLog.js';
import { ROUTE_NAMES, type RouteName } from './routes.js';

/** Path prefix of the admin endpoint. */
export const ADMIN_PREFIX = '/__admin/';

const MAX_BODY_BYTES = 64 * 1024;

/** What the admin endpoint can see and change. */
export interface AdminContext {
  /** The API's Basic credentials, required here too. */
  credentials: Credentials;
  log: RequestLog;
  faults: FaultController;
  gauge: ConcurrencyGauge;
  getLatency(): Latency;
  setLatency(latency: Partial<Latency>): void;
  /** Back to the state the simulator started in. */
  reset(): void;
}

/** Serves one admin request. */
export async function handleAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  admin: AdminContext,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const path = url.pathname.slice(ADMIN_PREFIX.length).replace(/\/$/, '');
  const method = req.method ?? 'GET';
  const { username, password } = admin.credentials;
  if (!hasBasicCredentials(req.headers.authorization, username, password)) {
    res.setHeader('www-authenticate', 'Basic realm="enfuce"');
    return send(res, 401, { status: 401, message: "Send the simulator's Basic credentials." });
  }
  try {
    const body = await readBody(req);
    if (body === undefined) {
      return fail(res, 413, `The request body must be at most ${MAX_BODY_BYTES} bytes.`);
    }
    if (path === 'faults' && method === 'GET')
      return send(res, 200, { faults: admin.faults.list() });
    if (path === 'faults' && method === 'POST')
      return send(res, 201, { id: admin.faults.add(parse(body) as FaultRule) });
    if (path === 'faults' && method === 'DELETE') {
      admin.faults.clear();
      return send(res, 204);
    }
    const faultId = /^faults\/([^/]+)$/.exec(path)?.[1];
    if (faultId !== undefined && method === 'DELETE') {
      return admin.faults.remove(faultId)
        ? send(res, 204)
        : fail(res, 404, `No fault rule has id ${JSON.stringify(faultId)}.`);
    }
    if (path === 'log' && method === 'GET') {
      const route = url.searchParams.get('route');
      if (route !== null && !ROUTE_NAMES.includes(route as RouteName)) {
        return fail(
          res,
          400,
          `route must be one of ${ROUTE_NAMES.join(', ')} (got ${JSON.stringify(route)}).`,
        );
      }
      return send(res, 200, {
        entries: admin.log.entries((route ?? undefined) as RouteName | undefined),
      });
    }
    if (path === 'log' && method === 'DELETE') {
      admin.log.clear();
      return send(res, 204);
    }
    if (path === 'stats' && method === 'GET') {
      const { inFlight, maxInFlight } = admin.gauge;
      return send(res, 200, { inFlight, maxInFlight, requests: admin.log.count() });
    }
    if (path === 'stats/reset' && method === 'POST') {
      admin.gauge.reset();
      return send(res, 204);
    }
    if (path === 'latency' && method === 'GET') return send(res, 200, admin.getLatency());
    if (path === 'latency' && method === 'PUT') {
      admin.setLatency(parseLatency(parse(body)));
      return send(res, 204);
    }
    if (path === 'reset' && method === 'POST') {
      admin.reset();
      return send(res, 204);
    }
    return fail(res, 404, `No admin endpoint for ${method} ${url.pathname}.`);
  } catch (error) {
    const status = error instanceof TypeError || error instanceof SyntaxError ? 400 : 500;
    return fail(res, status, error instanceof Error ? error.message : String(error));
  }
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new SyntaxError('The request body must be JSON.');
  }
}

/** Checks a latency update from JSON; throws a TypeError naming the bad field. */
export function parseLatency(input: unknown): Partial<Latency> {
  if (typeof input !== 'object' || input === null)
    throw new TypeError('Latency must be an object like {"fixedMs": 20, "jitterMs": 5}.');
  const result: Partial<Latency> = {};
  for (const key of ['fixedMs', 'jitterMs'] as const) {
    const value = (input as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value >= 0 && value <= MAX_TIMER_MS)) {
      throw new TypeError(
        `${key} must be a number from 0 to ${MAX_TIMER_MS} (got ${JSON.stringify(value)}).`,
      );
    }
    result[key] = value;
  }
  return result;
}

/** The body as text, or undefined when it is over MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even when too large: leaving the loop early would
  // destroy the socket before the 413 is written.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    })
    .end(text);
}

function fail(res: ServerResponse, status: number, message: string): void {
  send(res, status, { status, message });
}
