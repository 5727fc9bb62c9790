/**
 * The error codes of the public contract and the errors that carry them.
 *
 * Codes are the API: clients match on `extensions.code`, never on messages.
 * `formatError` makes sure nothing else leaves the gateway: an error without
 * a known code is masked, because Apollo Server passes resolver messages
 * through unchanged, and undici's messages name hosts and ports.
 */
import { HeaderMap } from '@apollo/server';
import { GraphQLError, Kind, type ASTNode, type GraphQLFormattedError } from 'graphql';
import { truncated } from './text.js';

/** The contract's codes, then the gateway's own for the limits it adds. */
const GATEWAY_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_ERROR',
  'UPSTREAM_CALL_BUDGET_EXCEEDED',
  'REQUEST_CANCELLED',
  'GATEWAY_OVERLOADED',
  'RATE_LIMITED',
] as const;

/** Apollo Server's own codes for requests it refuses before execution. */
const APOLLO_CODES = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'INTROSPECTION_DISABLED',
] as const;

export type ErrorCode = (typeof GATEWAY_CODES)[number];
type ApolloErrorCode = (typeof APOLLO_CODES)[number];

declare module 'graphql' {
  interface GraphQLErrorExtensions {
    code?: ErrorCode | ApolloErrorCode | 'INTERNAL_SERVER_ERROR';
  }
}

const KNOWN_CODES = new Set<string>([...GATEWAY_CODES, ...APOLLO_CODES]);

export class BadUserInputError extends GraphQLError {
  /**
   * @param http set for errors raised before execution (e.g. from the context
   *   function), where Apollo Server would otherwise answer 500
   */
  constructor(message: string, http?: { status: number }, nodes?: ASTNode) {
    super(message, { nodes, extensions: { code: 'BAD_USER_INPUT', ...(http && { http }) } });
  }
}

/** The same text whether the record is someone else's or does not exist. */
export class ForbiddenError extends GraphQLError {
  constructor() {
    super('You are not allowed to read this record.', { extensions: { code: 'FORBIDDEN' } });
  }
}

export class UnauthenticatedError extends GraphQLError {
  /** @param reason no usable bearer token was sent, or one was sent and refused */
  constructor(reason: 'missing' | 'invalid' = 'missing') {
    const message =
      reason === 'missing'
        ? 'A valid bearer token is required.'
        : 'The bearer token is invalid or expired.';
    // RFC 6750 §3: a 401 names the scheme it wants, and why a sent token failed.
    const challenge = reason === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"';
    super(message, {
      extensions: {
        code: 'UNAUTHENTICATED',
        http: { status: 401, headers: new HeaderMap([['www-authenticate', challenge]]) },
      },
    });
  }
}

export const INTERNAL_MESSAGE = 'Internal server error';

/**
 * Extensions besides `code` that may reach a client: which limit or rule
 * refused an operation, and the stack trace Apollo Server adds outside
 * production (gateway.ts).
 */
const PUBLIC_EXTENSIONS: readonly string[] = ['validationErrorCode', 'stacktrace'];

/**
 * Keeps errors that carry a contract or Apollo code; masks everything else
 * and hands the original to `log`, the only place its text may go.
 */
export function createFormatError(log: (error: unknown) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = publicCode(original, formatted.path, formatted.extensions?.code);
    if (code !== undefined) {
      // Only listed extensions leave: an error's other extensions may hold
      // anything its thrower attached (statuses, URLs, causes).
      const extensions: Record<string, unknown> = { code };
      for (const key of PUBLIC_EXTENSIONS) {
        // Where a refusal was decided differs for someone else's record and
        // a missing one, which a caller must not tell apart, in any mode.
        if (key === 'stacktrace' && code === 'FORBIDDEN') continue;
        const value = formatted.extensions?.[key];
        if (value !== undefined) extensions[key] = value;
      }
      return {
        message: truncated(
          formatted.message === VALIDATION_ABORTED ? VALIDATION_STOPPED : formatted.message,
          MAX_MESSAGE_CHARS,
        ),
        ...(formatted.locations && { locations: formatted.locations }),
        ...(formatted.path && { path: formatted.path }),
        extensions,
      };
    }
    log(original);
    return {
      message: INTERNAL_MESSAGE,
      ...(formatted.locations && { locations: formatted.locations }),
      ...(formatted.path && { path: formatted.path }),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * The error a resolver or a rule threw, when formatError will mask it as
 * INTERNAL_SERVER_ERROR (a bug, or a failure without a contract code);
 * undefined when it carries a code a client may see.
 */
export function unexpectedOriginal(error: GraphQLError): unknown {
  const original = unwrapResolverError(error);
  return publicCode(original, error.path, error.extensions.code) === undefined
    ? original
    : undefined;
}

/** The code a client may see for `original`, or undefined: it is masked. */
function publicCode(original: unknown, path: unknown, code: unknown): string | undefined {
  const shown = isArgumentError(original)
    ? 'BAD_USER_INPUT'
    : (codeOf(original) ??
      (path === undefined && isRequestRefusal(original) ? 'BAD_REQUEST' : code));
  return typeof shown === 'string' && KNOWN_CODES.has(shown) ? shown : undefined;
}

// graphql-js's words when validation ran out of the work it allows (in
// OverlappingFieldsCanBeMergedRule, or on fragments), which name no cause.
const VALIDATION_ABORTED = 'Validation aborted.';
const VALIDATION_STOPPED =
  'The operation takes too much work to validate: fields of one name, or fragments, overlap too many times.';

// graphql-js quotes a value it refuses whole, however long the literal;
// the start of the message says what was wrong.
const MAX_MESSAGE_CHARS = 500;

// graphql-js refusing an argument's value at run time, which validation
// cannot see: a null reaching a non-null argument through a nullable
// variable with a default. The caller's input, not a fault of the gateway.
const ARGUMENT_VALUE_ERROR =
  /^Argument "\w+" (?:of non-null type "[^"]+" must not be null\.|of required type "[^"]+" was provided the variable|has invalid value )/;

function isArgumentValueError(error: unknown): boolean {
  const { message, originalError } = (error ?? {}) as {
    message?: unknown;
    originalError?: unknown;
  };
  return originalError == null && typeof message === 'string' && ARGUMENT_VALUE_ERROR.test(message);
}

// Validation refusing a literal value (`first: "x"`, `id: 1.5`, `ids: null`):
// only graphql-js's ValuesOfCorrectTypeRule points at the value itself. The
// contract answers a bad argument with BAD_USER_INPUT however it was written,
// as Apollo Server does for the same value sent in a variable.
const VALUE_KINDS: ReadonlySet<unknown> = new Set([
  Kind.INT,
  Kind.FLOAT,
  Kind.STRING,
  Kind.BOOLEAN,
  Kind.NULL,
  Kind.ENUM,
  Kind.LIST,
  Kind.OBJECT,
  Kind.OBJECT_FIELD,
]);

/** A bad argument value, however graphql-js refused it: in validation (a literal) or as the field ran. */
function isArgumentError(error: unknown): boolean {
  return isLiteralValueError(error) || isArgumentValueError(error);
}

function isLiteralValueError(error: unknown): boolean {
  const refusal = error as { extensions?: { code?: unknown }; nodes?: unknown } | null;
  if (refusal?.extensions?.code !== 'GRAPHQL_VALIDATION_FAILED') return false;
  const [node] = Array.isArray(refusal.nodes) ? (refusal.nodes as { kind?: unknown }[]) : [];
  return VALUE_KINDS.has(node?.kind);
}

// Apollo Server refusing a request before it runs (no field path), with a
// 4xx and no code: an automatic persisted query whose hash does not match
// its text, or whose `persistedQuery` names no version it knows. The
// caller's mistake, to be answered as one, not logged as the gateway's.
function isRequestRefusal(error: unknown): boolean {
  const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions
    ?.http?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function codeOf(error: unknown): unknown {
  return (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
}

// Apollo Server's helper of the same name, by shape instead of `instanceof`:
// with two copies of graphql loaded (ESM and CJS builds), `instanceof` fails
// and the wrapper, not the thrown error, would decide the code.
function unwrapResolverError(error: unknown): unknown {
  const wrapper = error as { path?: unknown; originalError?: unknown } | null;
  return wrapper && Array.isArray(wrapper.path) && wrapper.originalError
    ? wrapper.originalError
    : error;
}
