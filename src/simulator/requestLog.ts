/**
 * The record of every API request the simulator received, for "how many
 * upstream calls did that take" assertions in tests and the benchmark.
 * Admin requests are not recorded.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parsePaging } from './endpoints.js';
import type { RouteName } from './routes.js';

/** One received request. Times are epoch milliseconds with sub-millisecond precision. */
export interface RequestLogEntry {
  /** Position in arrival order, from 1; keeps counting across `clear()`. */
  seq: number;
  method: string;
  /** The path as sent, without the query string. */
  path: string;
  /** `undefined` for paths that are not one of the simulator's routes. */
  route: RouteName | undefined;
  /** The decoded path id (not validated). */
  id: string | undefined;
  /** Query parameters; a parameter given more than once holds all its values in order. */
  query: Record<string, string | string[]>;
  /** The request's headers but `Authorization`, `Proxy-Authorization` and `Cookie`. */
  headers: IncomingHttpHeaders;
  /** Whether it carried the simulator's Basic credentials. */
  authorized: boolean;
  /**
   * The connection it came on, numbered from 1 as the simulator accepted
   * them: requests sharing a number reused a kept-alive socket.
   */
  connection: number;
  startedAt: number;
  /** When the response finished or the connection closed; `undefined` while open (e.g. hung). */
  endedAt: number | undefined;
  /** The status sent, `undefined` if no headers went out (hang, reset, client gone). */
  status: number | undefined;
  /**
   * Bytes of the reply, headers included, handed to the connection by the
   * time it ended: with a client that stops reading, about what it took
   * plus the sockets' buffers. `undefined` while open.
   */
  bytesWritten: number | undefined;
  /** The fault rule that applied, if any. */
  faultId: string | undefined;
}

/** A list request as the page it asked for (defaults applied). */
export interface PageRead {
  route: 'accountsOfCustomerV3' | 'accountsOfCustomerV4';
  customerId: string;
  page: number;
  size: number;
}

/** A sub-account list request as the page it asked for. */
export interface SubAccountRead {
  accountId: string;
  page: number;
  size: number;
}

/** Request log options. */
export interface RequestLogOptions {
  /**
   * Most entries kept; older ones are dropped (counts stay exact). Keeps a
   * long benchmark from growing without bound. Default 100 000.
   */
  maxEntries?: number;
}

/** Milliseconds since the epoch, to the sub-millisecond: the log's clock. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** The simulator's request log. */
export class RequestLog {
  #entries: RequestLogEntry[] = [];
  #counts = new Map<RouteName | undefined, number>();
  #total = 0;
  #seq = 0;
  readonly #maxEntries: number;

  constructor(options: RequestLogOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    // Zero would keep every entry: trimming a tenth of nothing drops none.
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 1)
      throw new RangeError(
        `maxEntries must be a whole number of at least 1, not ${this.#maxEntries}.`,
      );
  }

  /** Records the arrival of a request; its handler fills in `endedAt`, `status` and `bytesWritten` when it ends. */
  start(
    entry: Omit<RequestLogEntry, 'seq' | 'endedAt' | 'status' | 'bytesWritten' | 'faultId'>,
  ): RequestLogEntry {
    const full: RequestLogEntry = {
      ...entry,
      seq: ++this.#seq,
      endedAt: undefined,
      status: undefined,
      bytesWritten: undefined,
      faultId: undefined,
    };
    if (this.#entries.length >= this.#maxEntries) {
      // Drop a tenth at once so trimming stays cheap.
      this.#entries = this.#entries.slice(Math.ceil(this.#maxEntries / 10));
    }
    this.#entries.push(full);
    this.#counts.set(entry.route, (this.#counts.get(entry.route) ?? 0) + 1);
    this.#total++;
    return full;
  }

  /** All kept entries in arrival order (a copy), optionally for one route. */
  entries(route?: RouteName): RequestLogEntry[] {
    return route === undefined
      ? [...this.#entries]
      : this.#entries.filter((entry) => entry.route === route);
  }

  /** Forgets all entries and counts. */
  clear(): void {
    this.#entries = [];
    this.#counts.clear();
    this.#total = 0;
  }

  /** Requests received since the last clear, for one route or in total (unknown paths included). */
  count(route?: RouteName): number {
    return route === undefined ? this.#total : (this.#counts.get(route) ?? 0);
  }

  /** Ids of every `GET /account/v4/{id}`, duplicates kept, sorted as strings (like `[].sort()`). */
  accountReads(): string[] {
    return this.#ids('accountV4');
  }

  /** Ids of every `GET /customer/v3/{id}`, duplicates kept, sorted as strings. */
  customerReads(): string[] {
    return this.#ids('customer');
  }

  /** Every customer account-list request (v3 and v4) with its page, in arrival order. */
  pageReads(): PageRead[] {
    const reads: PageRead[] = [];
    for (const entry of this.#entries) {
      if (entry.route !== 'accountsOfCustomerV3' && entry.route !== 'accountsOfCustomerV4')
        continue;
      const paging = pagingOf(entry);
      if (paging && entry.id !== undefined) {
        reads.push({ route: entry.route, customerId: entry.id, ...paging });
      }
    }
    return reads;
  }

  /** Every sub-account list request with its page, in arrival order. */
  subAccountReads(): SubAccountRead[] {
    const reads: SubAccountRead[] = [];
    for (const entry of this.#entries) {
      if (entry.route !== 'subAccounts' || entry.id === undefined) continue;
      const paging = pagingOf(entry);
      if (paging) reads.push({ accountId: entry.id, ...paging });
    }
    return reads;
  }

  #ids(route: RouteName): string[] {
    return this.#entries
      .filter((entry) => entry.route === route && entry.id !== undefined)
      .map((entry) => entry.id as string)
      .sort();
  }
}

function pagingOf(entry: RequestLogEntry): { page: number; size: number } | undefined {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(entry.query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
  }
  const paging = parsePaging(params);
  return typeof paging === 'string' ? undefined : paging;
}
