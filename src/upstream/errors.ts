/**
 * Failures between the gateway and the card issuer.
 *
 * Each class has one fixed code from the public contract. graphql-js copies
 * an original error's `extensions` onto the GraphQLError it wraps it in, so
 * throwing one of these from a loader or resolver is enough for the code to
 * reach the client. Messages are safe to show: what the transport said
 * (URLs, hosts) stays on `cause`, which neither the answer nor the log
 * lines carry; the failure line takes only the cause's error code.
 */
import type { ErrorCode } from '../errors.js';

export type UpstreamErrorCode = Extract<
  ErrorCode,
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_CALL_BUDGET_EXCEEDED'
  | 'REQUEST_CANCELLED'
>;

export interface UpstreamErrorInit {
  /** The issuer's HTTP status, when it answered at all. */
  status?: number;
  /** The issuer's `Retry-After` header, for the retry policy. */
  retryAfter?: string;
  cause?: unknown;
}

export abstract class UpstreamError extends Error {
  abstract readonly code: UpstreamErrorCode;
  readonly status: number | undefined;
  readonly retryAfter: string | undefined;

  protected constructor(message: string, init: UpstreamErrorInit = {}) {
    super(message, { cause: init.cause });
    this.status = init.status;
    this.retryAfter = init.retryAfter;
  }

  get extensions(): { code: UpstreamErrorCode } {
    return { code: this.code };
  }
}

export class UpstreamTimeoutError extends UpstreamError {
  override name = 'UpstreamTimeoutError';
  readonly code = 'UPSTREAM_TIMEOUT';

  /**
   * `requestDeadline`: the whole request's time (REQUEST_TIMEOUT_MS) ran
   * out, before or during this call, rather than the call's own.
   */
  constructor(init?: UpstreamErrorInit & { requestDeadline?: boolean }) {
    super(
      init?.requestDeadline
        ? 'The request ran out of time before the card issuer answered.'
        : 'The card issuer did not answer in time.',
      init,
    );
  }
}

export class UpstreamUnavailableError extends UpstreamError {
  override name = 'UpstreamUnavailableError';
  readonly code = 'UPSTREAM_UNAVAILABLE';

  constructor(init?: UpstreamErrorInit) {
    super('The card issuer is unavailable.', init);
  }
}

export class UpstreamResponseError extends UpstreamError {
  override name = 'UpstreamResponseError';
  readonly code = 'UPSTREAM_ERROR';
  /**
   * The customer an unusable account record names, when that much of it
   * could be read: who may be told that the record is unusable.
   */
  readonly owner: string | undefined;

  constructor(problem: string, init?: UpstreamErrorInit & { owner?: string }) {
    super(`The card issuer sent an unusable answer: ${problem}.`, init);
    this.owner = init?.owner;
  }
}

/**
 * The operation already made as many upstream calls as one operation may
 * (`MAX_UPSTREAM_CALLS_PER_OPERATION`); the field was not fetched. Asking
 * again does not help: the query itself needs to ask for less.
 */
export class UpstreamCallBudgetError extends UpstreamError {
  override name = 'UpstreamCallBudgetError';
  readonly code = 'UPSTREAM_CALL_BUDGET_EXCEEDED';

  constructor(limit: number) {
    super(
      `This operation needs more than ${limit} calls to the card issuer; the fields past that were not fetched.`,
    );
  }
}

/**
 * Nobody waits for the call any more: the caller hung up before its answer
 * was ready, so the call was not made, or was cut off; or the request was
 * answered without it, so it was not made. Nobody reads this answer; the
 * code keeps the request's log line and the call metrics apart from the
 * issuer's own failures.
 */
export class UpstreamCallCancelledError extends UpstreamError {
  override name = 'UpstreamCallCancelledError';
  readonly code = 'REQUEST_CANCELLED';

  constructor() {
    super('Nobody waits for this call to the card issuer any more.');
  }
}

// Matched by `code`, not `instanceof`: the error may come from another copy of
// undici (undici's Errors.md recommends the same).
const UNDICI_TIMEOUTS = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

// Node and undici codes for "the request never got an answer": refused,
// reset, aborted, timed-out (by the kernel, before undici's own timers) or
// closed sockets. A GET that failed this way is safe to repeat.
const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** True for a refused, reset, aborted, timed-out or closed connection: no usable answer arrived. */
export function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_FAILURES.has(code);
}

// Node's and OpenSSL's codes for a handshake that failed (an expired or
// untrusted certificate, a name it does not cover, a protocol error), and
// DNS's for a name that will not resolve. Trying again at once gets the same
// answer, but every call would still pay a connection and a handshake.
const LASTING_CONNECTION_FAILURE =
  /^(?:ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|EPROTO$|EAI_FAIL$)/;

/** True when no connection to the issuer can be made as it stands: not retried, but the breaker counts it. */
export function isLastingConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && LASTING_CONNECTION_FAILURE.test(code);
}

/** True for our deadline, an undici timeout, or an UpstreamTimeoutError. */
export function isTimeout(error: unknown): boolean {
  if (error instanceof UpstreamTimeoutError) return true;
  if (error instanceof DOMException && error.name === 'TimeoutError') return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNDICI_TIMEOUTS.has(code);
}

/** Classifies whatever the transport threw, keeping the original as `cause`. */
export function fromTransportError(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  // The call's own deadline (a TimeoutError DOMException) or one of undici's.
  if (isTimeout(error)) return new UpstreamTimeoutError({ cause: error });
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new UpstreamResponseError('the body is larger than the allowed size', { cause: error });
  }
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
    return new UpstreamResponseError('a body that does not match its Content-Length', {
      cause: error,
    });
  }
  // The issuer answered, with bytes that are not HTTP (undici's
  // HTTPParserError, whose code is llhttp's HPE_ one when it has any) or
  // headers past undici's limit: an unusable answer, not an outage.
  const name = (error as { name?: unknown } | null)?.name;
  if (
    name === 'HTTPParserError' ||
    code === 'UND_ERR_HEADERS_OVERFLOW' ||
    (typeof code === 'string' && code.startsWith('HPE_'))
  ) {
    return new UpstreamResponseError('an answer that is not valid HTTP', { cause: error });
  }
  // Refused or reset sockets, closed pools: the issuer cannot be reached.
  return new UpstreamUnavailableError({ cause: error });
}
