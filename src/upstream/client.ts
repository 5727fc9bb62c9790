import { Pool, type Dispatcher } from 'undici';
import { YoungAbortController, untilAborted } from '../abort.js';
import { headerValue } from '../headers.js';
import { BodyNotUtf8Error, exchange, type Answer } from './exchange.js';
import {
  decodeAccount,
  decodeAccountList,
  decodeCustomer,
  parseExactJson,
  type UnreadableField,
  type UnreadableNotice,
} from './decode.js';
import {
  UpstreamCallBudgetError,
  UpstreamCallCancelledError,
  UpstreamResponseError,
  type UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  fromTransportError,
  isTimeout,
} from './errors.js';
import { canonicalId, isIssuerId, sameIssuerId } from './ids.js';
import type { AccountRecord, CustomerRecord } from './records.js';

/** Who a call is made for; one per GraphQL request. */
export interface UpstreamScope {
  /** Sent as the issuer's required `auditUser` query parameter. */
  auditUser: string;
  /** Forwarded as `x-request-id`, so the issuer's logs line up with ours. */
  requestId?: string;
  /** Counts the calls made for this request (for logs, metrics and the call budget). */
  onCall?: () => void;
  /** Told the size of every DataLoader batch made for this request (for metrics). */
  onBatch?: (loader: string, size: number) => void;
  /**
   * Whether the request's answer is made. graphql-js answers as soon as an
   * error nulls a field's parent, while a sibling field may still be
   * resolving: from then on, a call or retry that has not started never
   * does, so no call goes uncounted by the answer, the log line and the
   * caller's share. One under way finishes (a half-open probe cut short
   * would reopen the circuit).
   */
  closed?: () => boolean;
  /**
   * Aborts once the caller has hung up: calls not made yet are not made, and
   * calls on their way are cut off, so their slots and sockets go to callers
   * still waiting.
   */
  signal?: AbortSignal;
  /**
   * When the request's time is up, on `performance.now()`'s clock: no call
   * runs past it, so a chain of dependent calls cannot add up without end.
   */
  deadline?: number;
}

/** One HTTP exchange with the issuer, as reported to an UpstreamObserver. */
export interface UpstreamAttempt {
  /** The route template, e.g. `/account/v4/{id}`: never a real id. */
  endpoint: string;
  /** The issuer's HTTP status; undefined when no answer arrived. */
  status: number | undefined;
  /** From sending the request to the end of its body. */
  durationMs: number;
  /** Set when the attempt failed; 404 is not a failure. */
  error: UpstreamError | undefined;
  /** Values of a usable answer read as `null` because they could not be read, one entry each. */
  unreadable: readonly UnreadableField[];
}

/** Sees every attempt (retries included) after it ends; for metrics and logs. */
export type UpstreamObserver = (attempt: UpstreamAttempt, scope: UpstreamScope) => void;

/**
 * Traces every attempt (observability/spans.ts). Called in the attempt's own
 * async context as it goes out, so its span joins the request that made it
 * even when it waited for a slot or a socket behind another request's call.
 */
export interface UpstreamTracer {
  /**
   * Starts the attempt's span and adds what the issuer should receive with
   * it (`traceparent`) to `headers`; the returned function ends the span.
   */
  startAttempt(
    endpoint: string,
    headers: Record<string, string>,
  ): (attempt: UpstreamAttempt) => void;
}

/** One logical call as a CallPolicy sees it. */
export interface PolicyCall {
  /** Aborts at the call's deadline; pass it to every attempt. */
  signal: AbortSignal;
  /** The same deadline on `performance.now()`'s clock, for "does a wait still fit". */
  deadline: number;
  /**
   * The request's deadline left the call less than half of its
   * `ENFUCE_TIMEOUT_MS`, so a timeout says little about the issuer.
   */
  curtailed: boolean;
  /**
   * Throws when an attempt may not go out (the operation's call budget is
   * spent); counts nothing, the attempt itself does. A policy with a circuit
   * breaker calls it right before the breaker, with nothing awaited between, so the
   * attempt the breaker lets through never meets a spent budget: such a
   * refusal reached no issuer and must not count as its answer, least of
   * all as the probe that closes a half-open circuit. An attempt the open
   * circuit refuses is not counted either.
   */
  admit(): void;
}

/** Wraps every logical GET: retries, circuit breaker, bulkhead (see policy.ts). */
export interface CallPolicy {
  execute<T>(attempt: (signal: AbortSignal) => Promise<T>, call: PolicyCall): Promise<T>;
}

const passThrough: CallPolicy = {
  execute: (attempt, { signal }) => attempt(signal),
};

/** What a client does when not told otherwise; also the defaults of the `ENFUCE_*` variables (config.ts). */
export const CLIENT_DEFAULTS = {
  connections: 32,
  maxResponseBytes: 5 * 1024 * 1024,
  maxCallsPerScope: 200,
} as const;

/** Each option left out takes its value from CLIENT_DEFAULTS, or none. */
export interface EnfuceClientOptions {
  /** The issuer's root, without `/account` or `/customer`; may carry a path prefix. */
  baseUrl: string;
  username: string;
  password: string;
  /** The most one logical call may take, retries included. */
  timeoutMs: number;
  /** Injected (a test's MockAgent, a proxy); defaults to a keep-alive Pool on `baseUrl`'s origin. */
  dispatcher?: Dispatcher;
  connections?: number;
  maxResponseBytes?: number;
  /** @default pass-through */
  policy?: CallPolicy;
  /**
   * The most calls (attempts, retries included) one scope, i.e. one GraphQL
   * operation, may make; later calls fail with UPSTREAM_CALL_BUDGET_EXCEEDED
   * and nothing is sent.
   */
  maxCallsPerScope?: number;
  /** @default none */
  observer?: UpstreamObserver;
  /** @default none */
  tracer?: UpstreamTracer;
}

/**
 * Typed reads of the Enfuce REST API. Ids are checked against the digit
 * allowlist before a path is built; 404 is `null`; every other failure is an
 * UpstreamError with a contract code and a message free of URLs and secrets.
 */
export class EnfuceClient {
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #origin: string;
  readonly #prefix: string;
  readonly #authorization: string;
  readonly #timeoutMs: number;
  readonly #policy: CallPolicy;
  readonly #maxCallsPerScope: number;
  readonly #observer: UpstreamObserver | undefined;
  readonly #tracer: UpstreamTracer | undefined;
  // Per operation, keyed by its scope object, so nothing outlives the request.
  readonly #callsByScope = new WeakMap<UpstreamScope, number>();

  constructor(options: EnfuceClientOptions) {
    const base = new URL(options.baseUrl);
    this.#origin = base.origin;
    this.#prefix = base.pathname.replace(/\/+$/, '');
    this.#authorization =
      'Basic ' + Buffer.from(`${options.username}:${options.password}`).toString('base64');
    this.#timeoutMs = options.timeoutMs;
    this.#policy = options.policy ?? passThrough;
    this.#maxCallsPerScope = options.maxCallsPerScope ?? CLIENT_DEFAULTS.maxCallsPerScope;
    this.#observer = options.observer;
    this.#tracer = options.tracer;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ??
      new Pool(base.origin, {
        connections: options.connections ?? CLIENT_DEFAULTS.connections,
        // undici's 300 s defaults must never apply; the per-call signal is the
        // real deadline, these only make sure a socket is never held longer.
        connectTimeout: options.timeoutMs,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        maxResponseSize: options.maxResponseBytes ?? CLIENT_DEFAULTS.maxResponseBytes,
      });
  }

  /** The full account record, or null when the issuer has no such account. */
  async getAccount(id: string, scope: UpstreamScope): Promise<AccountRecord | null> {
    return this.#get(ACCOUNT, id, {}, scope, (body, notice) =>
      askedFor(decodeAccount(body, notice, id), id, 'account'),
    );
  }

  /** One page of a customer's accounts (zero-based `page`, `size` 1 to 100). */
  async getAccountsOfCustomer(
    customerId: string,
    page: number,
    size: number,
    scope: UpstreamScope,
  ): Promise<AccountRecord[]> {
    const query = { page: String(page), size: String(size) };
    const decode = (body: unknown, notice?: UnreadableNotice) => {
      const list = decodeAccountList(body, notice);
      // More than asked for: page and offset no longer line up, and the
      // connection would show another window with a wrong hasNextPage.
      if (list.length > size) {
        throw new UpstreamResponseError('the account list is longer than the page size asked for');
      }
      // The list is authorized by the customer in its path: an account of
      // another customer must not ride along on that permission.
      if (list.some((account) => !sameIssuerId(account.customerId, customerId))) {
        throw new UpstreamResponseError('the account list holds an account of another customer');
      }
      return list;
    };
    // A 204, how some servers answer an empty collection, is no accounts.
    const accounts = await this.#get(ACCOUNTS_OF_CUSTOMER, customerId, query, scope, decode, []);
    // An unknown customer simply has no accounts.
    return accounts ?? [];
  }

  /** The customer's details, or null when the issuer has no such customer. */
  async getCustomer(id: string, scope: UpstreamScope): Promise<CustomerRecord | null> {
    return this.#get(CUSTOMER, id, {}, scope, (body, notice) =>
      askedFor(decodeCustomer(body, notice), id, 'customer'),
    );
  }

  /**
   * Lets the calls in flight finish, then closes the connections; calls
   * still running after `graceMs` are aborted (their fields fail).
   */
  async close(graceMs = Infinity): Promise<void> {
    if (!this.#ownsDispatcher) return;
    const cutOff = Number.isFinite(graceMs)
      ? setTimeout(() => void this.#dispatcher.destroy().catch(() => undefined), graceMs)
      : undefined;
    try {
      await this.#dispatcher.close();
    } finally {
      clearTimeout(cutOff);
    }
  }

  /**
   * One logical GET: `decode` turns a 200's parsed body into the record and
   * runs inside the attempt, so an unusable answer is a failed attempt for
   * the observer (log line, metrics) like any other. 404 is `null`.
   */
  async #get<T>(
    endpoint: Endpoint,
    id: string,
    params: Record<string, string>,
    scope: UpstreamScope,
    decode: Decode<T>,
    /** What a 204 stands for; without it a 204 is an unexpected status. */
    noContent?: T,
  ): Promise<T | null> {
    const path = endpoint.replace('{id}', checkedId(id));
    const query = new URLSearchParams({ ...params, auditUser: scope.auditUser });
    const headers: Record<string, string> = {
      authorization: this.#authorization,
      accept: 'application/json',
      // Without it any coding is acceptable (RFC 9110 §12.5.3), and a proxy
      // in front of the issuer could send gzip, which is read as text here.
      'accept-encoding': 'identity',
    };
    if (scope.requestId) headers['x-request-id'] = scope.requestId;
    if (scope.signal?.aborted) throw new UpstreamCallCancelledError();
    // Answered already, or past the budget: fail before waiting for a bulkhead slot.
    this.#admit(scope);
    const now = performance.now();
    const left = scope.deadline === undefined ? Infinity : scope.deadline - now;
    if (left <= 0) throw new UpstreamTimeoutError({ requestDeadline: true });
    const timeoutMs = Math.min(this.#timeoutMs, left);
    // Less than half of its own time: a timeout then is the request's doing
    // more than the issuer's. Not when it falls a little short, as every
    // call does with REQUEST_TIMEOUT_MS equal to ENFUCE_TIMEOUT_MS.
    const curtailed = left < this.#timeoutMs / 2;
    const { signal: deadline, release } = callSignal(timeoutMs, curtailed, scope.signal);
    const call: PolicyCall = {
      signal: deadline,
      deadline: now + timeoutMs,
      curtailed,
      admit: () => this.#admit(scope),
    };

    try {
      const result = this.#policy.execute(async (signal) => {
        this.#spend(scope);
        const request = {
          path: `${this.#prefix}${path}?${query}`,
          headers,
          signal,
          decode,
          noContent,
        };
        if (this.#observer === undefined && this.#tracer === undefined) {
          return this.#attempt(request);
        }
        return this.#observed(endpoint, scope, request);
      }, call);
      // Backoff sleeps and bulkhead queues do not watch the signal; the
      // caller still gets its answer at the deadline.
      return await untilAborted(result, deadline);
    } catch (error) {
      throw fromTransportError(deadline.aborted ? deadline.reason : error);
    } finally {
      release();
    }
  }

  /** Lets a call or attempt start, unless its request was answered or its budget is spent. */
  #admit(scope: UpstreamScope): void {
    if (scope.closed?.()) throw new UpstreamCallCancelledError();
    this.#checkBudget(scope);
  }

  #checkBudget(scope: UpstreamScope): void {
    if ((this.#callsByScope.get(scope) ?? 0) >= this.#maxCallsPerScope) {
      throw new UpstreamCallBudgetError(this.#maxCallsPerScope);
    }
  }

  #spend(scope: UpstreamScope): void {
    this.#checkBudget(scope);
    this.#callsByScope.set(scope, (this.#callsByScope.get(scope) ?? 0) + 1);
    scope.onCall?.();
  }

  /** Runs one attempt in its span, and reports it to the observer, whatever the result. */
  async #observed<T>(
    endpoint: Endpoint,
    scope: UpstreamScope,
    request: Attempt<T>,
  ): Promise<T | null> {
    const seen: Seen = {};
    // The headers are this call's own, and its attempts go out one after
    // another: each sets its own `traceparent` in them as it leaves.
    const endSpan = this.#tracer?.startAttempt(endpoint, request.headers);
    const started = performance.now();
    let error: UpstreamError | undefined;
    try {
      return await this.#attempt(request, seen);
    } catch (thrown) {
      error = fromTransportError(thrown);
      throw thrown;
    } finally {
      const attempt: UpstreamAttempt = {
        endpoint,
        status: seen.status,
        durationMs: performance.now() - started,
        error,
        // Only a usable answer's: a refused one (another record than asked
        // for, a page too long) counts as unusable, not as odd values.
        unreadable: (error === undefined && seen.unreadable) || NOTHING_UNREADABLE,
      };
      endSpan?.(attempt);
      this.#observer?.(attempt, scope);
    }
  }

  async #attempt<T>(
    { path, headers, signal, decode, noContent }: Attempt<T>,
    seen?: Seen,
  ): Promise<T | null> {
    // undici's dispatch() never follows redirects (a 3xx is answered below).
    const answer = await exchange(this.#dispatcher, {
      origin: this.#origin,
      path,
      headers,
      signal,
      keepBody: isOk,
      // Past this, closing the connection is cheaper than reading on.
      discardLimit: 128 * 1024,
    });
    const { status } = answer;
    if (seen) seen.status = status;
    if (status === 200) {
      const coding = headerValue(answer.headers['content-encoding']);
      if (coding !== undefined && coding.toLowerCase() !== 'identity') {
        throw new UpstreamResponseError('a compressed body, which the gateway did not ask for', {
          status,
        });
      }
      const notice = seen && ((field: UnreadableField) => (seen.unreadable ??= []).push(field));
      return decode(parseExactJson(bodyText(answer, signal)), notice);
    }
    if (status === 204 && noContent !== undefined) return noContent;
    if (status === 404) return null;
    const retryAfter = headerValue(answer.headers['retry-after']);
    if (status >= 500 || status === 429) {
      throw new UpstreamUnavailableError({ status, retryAfter });
    }
    if (status >= 300 && status < 400) {
      throw new UpstreamResponseError('a redirect, which the gateway does not follow', { status });
    }
    throw new UpstreamResponseError(`an unexpected status ${status}`, { status });
  }
}

const isOk = (status: number): boolean => status === 200;

const NOTHING_UNREADABLE: readonly UnreadableField[] = Object.freeze([]);

/** Turns a 200's parsed body into the record, telling `notice` of values it reads as null. */
type Decode<T> = (body: unknown, notice?: UnreadableNotice) => T;

/** One attempt's request, and how its answer becomes a record. */
interface Attempt<T> {
  /** The path and query, after the base URL's own path. */
  path: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  decode: Decode<T>;
  noContent: T | undefined;
}

/** What an observed attempt saw, for its report. */
interface Seen {
  status?: number;
  /** Made on the first value that could not be read: most answers have none. */
  unreadable?: UnreadableField[];
}

/**
 * The whole body of a 200. The headers arrived, so a failure now is an
 * unusable answer (cut short, too large), not a failed connection: it is
 * neither retried nor counted against the issuer. A timeout stays a timeout.
 */
function bodyText(answer: Answer, signal: AbortSignal): string {
  const { bodyError: error } = answer;
  if (error === undefined) return answer.text ?? '';
  if (error instanceof BodyNotUtf8Error) {
    throw new UpstreamResponseError('a body that is not UTF-8', { cause: error });
  }
  if (signal.aborted) throw signal.reason;
  const code = (error as { code?: unknown } | null)?.code;
  // undici's own body timeout too: the issuer stalled rather than sent less.
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE' || isTimeout(error)) {
    throw fromTransportError(error);
  }
  throw new UpstreamResponseError('a body that ended before it was complete', { cause: error });
}

/**
 * The signal of one call: aborted at its deadline with a TimeoutError, as
 * `AbortSignal.timeout` would (with UpstreamTimeoutError when the request's
 * deadline curtailed it), or with UpstreamCallCancelledError when the caller
 * goes first. `release` once the call is over.
 */
function callSignal(
  timeoutMs: number,
  curtailed: boolean,
  caller: AbortSignal | undefined,
): { signal: AbortSignal; release: () => void } {
  const controller = new YoungAbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        curtailed
          ? new UpstreamTimeoutError({ requestDeadline: true })
          : new DOMException('The call took too long.', 'TimeoutError'),
      ),
    timeoutMs,
  ).unref();
  const cancel = () => controller.abort(new UpstreamCallCancelledError());
  caller?.addEventListener('abort', cancel, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', cancel);
    },
  };
}

/**
 * The issuer's routes the client calls. The template itself is the metric
 * and log label (so no id reaches one); the path replaces `{id}` with an id
 * checked against the digit allowlist.
 */
type Endpoint = '/account/v4/{id}' | '/account/v4/customer/{id}' | '/customer/v3/{id}';
// v4's record: v3's (`/account/v3/{id}`) is deprecated upstream, and has no `name`.
const ACCOUNT: Endpoint = '/account/v4/{id}';
const ACCOUNTS_OF_CUSTOMER: Endpoint = '/account/v4/customer/{id}';
const CUSTOMER: Endpoint = '/customer/v3/{id}';

function checkedId(id: string): string {
  // Resolvers validate ids first; this is the last line of defence. An id
  // the issuer itself wrote with leading zeros (a parentId) reaches here as
  // sent, and is asked for as any other spelling of it is.
  if (!isIssuerId(id)) throw new TypeError('An upstream path needs an id of 1 to 32 digits.');
  return canonicalId(id);
}

/**
 * The record the issuer sent, if it is the one asked for: DataLoader files it
 * under the id that was asked, and authorization reads its owner from it.
 */
function askedFor<T extends { id: string }>(record: T, id: string, what: string): T {
  if (!sameIssuerId(record.id, id)) {
    throw new UpstreamResponseError(`the ${what} has another id than the one asked for`);
  }
  return record;
}
