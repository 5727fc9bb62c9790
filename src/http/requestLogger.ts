/**
 * fastify's per-request logger (`request.log`), made the first time
 * something logs through it. fastify makes a pino child for every request,
 * and with the gateway's redaction (logger.ts) pino runs the redacting
 * serializer over the request id for each one: 7 µs of the 720 µs a
 * customer page costs in `bench/profile.ts gateway customerPage` (about 3
 * without the profiler, bench/README.md). A request
 * that is served logs nothing through it (its line comes from the
 * request log (observability/requestLog.ts)); only fastify's error paths and the HTTP error
 * handler do, and they get the child, bindings and redaction fastify's own would have.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LogFn } from 'pino';

type LogArguments = Parameters<LogFn>;

class DeferredLogger implements FastifyBaseLogger {
  #made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  #logger(): FastifyBaseLogger {
    return (this.#made ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.#made?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.#logger().level = level;
  }

  fatal(...args: LogArguments): void {
    this.#logger().fatal(...args);
  }

  error(...args: LogArguments): void {
    this.#logger().error(...args);
  }

  warn(...args: LogArguments): void {
    this.#logger().warn(...args);
  }

  info(...args: LogArguments): void {
    this.#logger().info(...args);
  }

  debug(...args: LogArguments): void {
    this.#logger().debug(...args);
  }

  trace(...args: LogArguments): void {
    this.#logger().trace(...args);
  }

  silent(...args: LogArguments): void {
    this.#logger().silent(...args);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger().child(bindings, options);
  }
}

/** fastify's `childLoggerFactory`: the request's logger, made on first use. */
export function deferredRequestLogger(
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new DeferredLogger(parent, bindings, options);
}
