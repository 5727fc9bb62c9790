import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Every place a secret could sit, redacted by path, so even a careless
 * `log.info({ req })` or `log.error({ err })` cannot print a credential.
 * pino's `*` matches one level, hence the explicit depths.
 */
const REDACTED_PATHS: readonly string[] = [
  'authorization',
  'cookie',
  'password',
  'token',
  'secret',
  'jwtSecret',
  'cursorSecret',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.token',
  '*.secret',
  '*.jwtSecret',
  '*.cursorSecret',
  // Paths are case-sensitive, and headers come in both casings.
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers.cookie',
  '*.headers.Cookie',
  '*.headers["set-cookie"]',
  '*.headers["x-api-key"]',
  '*.*.authorization',
  '*.*.password',
  '*.*.headers.authorization',
  '*.*.headers.Authorization',
  // Where HTTP clients keep a request's details on an error: its options
  // and headers, on the error and on its cause, and the headers of the
  // cause's cause (undici wraps a socket error twice).
  'err.options',
  'err.headers',
  'err.cause.options',
  'err.cause.headers',
  'err.cause.cause.headers',
];

/**
 * JSON logs with secrets redacted (see REDACTED_PATHS), on stdout or on
 * `destination` (tests read lines from a stream); `pretty` is for a terminal.
 */
export function createLogger(
  level: string,
  pretty = false,
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    ...(pretty && { transport: { target: 'pino-pretty', options: { colorize: true } } }),
  };
  return destination && !pretty ? pino(options, destination) : pino(options);
}

/** What a line written through `withoutRedaction` may carry: no objects but lists of strings. */
export type PlainField = string | number | boolean | null | readonly string[];

/**
 * The same logger, bindings and destination, without redaction: for the
 * per-request lines, whose fields are picked one by one as `PlainField`s, so
 * none can hold a secret. Redaction by wildcard path runs on every field of
 * every line: about 20 µs a line against 2 µs without (bench/micro/logLine.ts).
 */
export function withoutRedaction(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}
