/**
 * What the issuer answers when nothing goes wrong on the way: credential,
 * parameter and id checks, then the seeded records. Checks run in the order a
 * typical gateway in front of the issuer applies them: authentication first,
 * then routing, then parameters.
 */
import { hasBasicCredentials } from './basicAuth.js';
import {
  accountSummaryV3,
  accountSummaryV4,
  accountV3,
  accountV4,
  customerV3,
  jsonArray,
} from './render.js';
import { errorReply, jsonReply, quote, type Reply } from './reply.js';
import { isListRoute, type RouteMatch } from './routes.js';
import type { SimulatorData } from './seed.js';

/** Paging defaults and limits from the docs (ENFUCE_API.md §0). */
export const PAGING = { defaultPage: 0, defaultSize: 30, maxSize: 100 } as const;

/** The parts of a request the endpoints look at. */
export interface ApiRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  authorization: string | undefined;
}

/** Credentials the simulator accepts. */
export interface Credentials {
  username: string;
  password: string;
}

/** Answers one API request from `data`. */
export function answer(
  request: ApiRequest,
  match: RouteMatch | undefined,
  data: SimulatorData,
  credentials: Credentials,
): Reply {
  if (!hasBasicCredentials(request.authorization, credentials.username, credentials.password)) {
    return errorReply(401, 'Full authentication is required: send HTTP Basic credentials.', {
      'www-authenticate': 'Basic realm="enfuce"',
    });
  }
  if (!match) return errorReply(404, `No endpoint at ${quote(request.pathname)}.`);
  if (request.method !== 'GET') {
    return errorReply(405, `Only GET is supported here (got ${request.method}).`, { allow: 'GET' });
  }
  // One value each: a server that joined repeated values would read `a,b`.
  const repeated = ['auditUser', 'page', 'size'].find(
    (name) => request.query.getAll(name).length > 1,
  );
  if (repeated) return errorReply(400, `The query parameter ${repeated} must be given once.`);
  const auditUser = request.query.get('auditUser');
  if (auditUser === null || auditUser === '') {
    return errorReply(400, 'The query parameter auditUser is required.');
  }
  if (!/^\d+$/.test(match.id)) {
    return errorReply(400, `The id must be a string of decimal digits (got ${quote(match.id)}).`);
  }
  if (isListRoute(match.route)) {
    const paging = parsePaging(request.query);
    if (typeof paging === 'string') return errorReply(400, paging);
    const all =
      match.route === 'subAccounts' ? data.subAccountsOf(match.id) : data.accountsOf(match.id);
    const start = paging.page * paging.size;
    const items = all.slice(start, start + paging.size);
    const render = match.route === 'accountsOfCustomerV3' ? accountSummaryV3 : accountSummaryV4;
    return jsonReply(200, jsonArray(items.map(render)));
  }
  if (match.route === 'accountV4' || match.route === 'accountV3') {
    const account = data.account(match.id);
    const render = match.route === 'accountV4' ? accountV4 : accountV3;
    return account
      ? jsonReply(200, render(account))
      : errorReply(404, `Account ${match.id} was not found.`);
  }
  const customer = data.customer(match.id);
  return customer
    ? jsonReply(200, customerV3(customer))
    : errorReply(404, `Customer ${match.id} was not found.`);
}

/** `page` and `size` with defaults applied, or the error message for a bad value. */
export function parsePaging(query: URLSearchParams): { page: number; size: number } | string {
  const page = integerParam(query.get('page'), PAGING.defaultPage);
  if (page === undefined || page < 0) {
    return `page must be an integer of at least 0 (got ${quote(query.get('page') ?? '')}).`;
  }
  const size = integerParam(query.get('size'), PAGING.defaultSize);
  if (size === undefined || size < 1 || size > PAGING.maxSize) {
    return `size must be an integer from 1 to ${PAGING.maxSize} (got ${quote(query.get('size') ?? '')}).`;
  }
  return { page, size };
}

function integerParam(raw: string | null, fallback: number): number | undefined {
  if (raw === null) return fallback;
  if (!/^-?\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}
