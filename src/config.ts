/**
 * The gateway's configuration: the only module that reads the environment.
 * Everything is validated once at start; a bad value stops the process with
 * one line naming the variable (see index.ts), never a half-working gateway.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { CallerSharesPolicy } from './http/callerShares.js';
import { CLIENT_DEFAULTS } from './upstream/client.js';
import { POLICY_DEFAULTS } from './upstream/policy.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * How long before the end of SHUTDOWN_GRACE_MS the connections still open
 * are cut: time for the requests they held to end as abandoned, with their
 * log lines, and for the last spans to go out, before the process exits.
 */
export function cutOffMarginMs(graceMs: number): number {
  return Math.min(500, graceMs / 4);
}

/** The one line a start refused by its configuration, or its port, writes before exit 1. */
export function writeConfigurationError(reason: string): void {
  process.stderr.write(`Configuration error: ${reason}\n`);
}

/** Where the gateway sends its REST calls. */
export interface UpstreamConfig {
  /** Unset: start the built-in simulator and point at it. */
  baseUrl: string | undefined;
  username: string;
  password: string;
  timeoutMs: number;
  /**
   * The most one GraphQL request may wait on the issuer, all its calls
   * together; 0: no limit beyond each call's `timeoutMs`.
   */
  requestTimeoutMs: number;
  /** Retries of a failed GET, inside `timeoutMs`. */
  retries: number;
  /** First retry backoff in ms (exponential, jittered). */
  retryBackoffMs: number;
  /** Longest retry backoff in ms. */
  retryBackoffMaxMs: number;
  /** Pool sockets and bulkhead slots: upstream calls in flight at once. */
  maxConnections: number;
  /** Calls that may wait for a free slot before failing fast. */
  queueSize: number;
  /** Consecutive 5xx/timeouts/connection failures that open the circuit. */
  breakerThreshold: number;
  /** How long an open circuit waits before one probe call, in ms. */
  breakerHalfOpenMs: number;
  /** Largest upstream response body in bytes. */
  maxResponseBytes: number;
  /** Upstream calls one GraphQL operation may make, retries included. */
  maxCallsPerOperation: number;
}

export interface AuthConfig {
  jwtSecret: string | undefined;
  jwksUrl: string | undefined;
  issuer: string | undefined;
  audience: string | undefined;
  /** Seconds since its `iat` after which a token is refused; 0: no bound. */
  maxTokenAgeSeconds: number;
  disabled: boolean;
}

/** Process lifecycle, scaling and tracing (README "Operations"). */
export interface OperationsConfig {
  /** From SIGTERM/SIGINT to exit at the latest, drain delay included. */
  shutdownGraceMs: number;
  /**
   * After the signal, how long the gateway keeps serving with readiness
   * already 503, so load balancers stop sending before the listener closes.
   */
  shutdownDelayMs: number;
  /** Worker processes (`node:cluster`); 1 runs the gateway in the process itself. */
  workers: number;
  /**
   * GraphQL requests running or waiting at once; more get 503
   * GATEWAY_OVERLOADED; 0 never sheds.
   */
  maxInFlight: number;
  /**
   * How long, in ms, a GraphQL request waits for the upstream queue to fall
   * below half before it gets 503 GATEWAY_OVERLOADED; 0 sheds at once.
   */
  admissionWaitMs: number;
  /**
   * GraphQL requests one caller with a verified token may have running at
   * once; more get 429 RATE_LIMITED; 0: no limit.
   */
  callerMaxInFlight: number;
  /**
   * Upstream calls one caller with a verified token may cause in a minute
   * (each request at least one); past them, 429 RATE_LIMITED; 0: no limit.
   */
  callerCallsPerMinute: number;
  /** OTLP/HTTP collector base URL; unset, tracing is off and never loaded. */
  otlpEndpoint: string | undefined;
  serviceName: string;
  /**
   * The operation names metrics label by name; any other is `(other)`.
   * @default undefined: the first 100 distinct names seen
   */
  metricsOperationNames: readonly string[] | undefined;
}

export interface Config {
  port: number;
  host: string;
  /** `NODE_ENV=production`: no Sandbox, no introspection, no stack traces. */
  production: boolean;
  /** @default !production */
  introspection: boolean;
  logLevel: string;
  /** `GRAPHQL_JIT=true`: run operations as compiled queries (graphql-jit). */
  graphqlJit: boolean;
  /** `GRAPHQL_JIT_AFTER`: runs of a document on graphql-js before it is compiled. */
  graphqlJitAfter: number;
  /** `FEDERATED_TRACING=true`: inline (ftv1) traces for a router that asks. */
  federatedTracing: boolean;
  operations: OperationsConfig;
  /**
   * Seals connection cursors. Replicas that serve the same clients must
   * share it.
   * @default a random key made at start: cursors work on this process (and
   * its cluster workers, which the primary hands the key) until it stops
   */
  cursorSecret: string;
  /** Whether CURSOR_SECRET set the key, rather than a start. */
  cursorSecretSet: boolean;
  upstream: UpstreamConfig;
  auth: AuthConfig;
  limits: LimitsConfig;
  /**
   * Browser origins allowed to call /graphql (CORS), besides Apollo Studio's
   * while introspection is on.
   */
  corsOrigins: readonly string[];
  /**
   * The `Host` names /graphql answers, besides addresses and localhost
   * names (http/allowedHosts.ts).
   * @default undefined: any
   */
  allowedHosts: readonly string[] | undefined;
}

/**
 * Operation limits, checked before anything executes. Upper bounds keep the
 * contract's promise that a 40-level chain, 2000 aliases or a 10 MB body is
 * always refused, whatever the environment says.
 */
export interface LimitsConfig {
  /** Most nested field levels; `{ account(id) { id } }` is 2. */
  maxDepth: number;
  /** Most aliased fields, counted through fragments. */
  maxAliases: number;
  /** Most lexical tokens in the query text. */
  maxTokens: number;
  /** Most fields at the operation's root (`__typename` free). */
  maxRootFields: number;
  /** Most directives in the document. */
  maxDirectives: number;
  /** Most fields the answer could hold, each once per item of the lists above it. */
  maxResultFields: number;
  /** Largest request body in bytes; more is 413. */
  maxBodyBytes: number;
}

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

const boolean = z.enum(['true', 'false'], 'must be true or false').transform((v) => v === 'true');
const nonEmpty = z.string().min(1, 'must not be empty');

/**
 * An absolute http(s) URL without credentials or a fragment. A query only
 * where the URL is used as is: the client and the span exporter append
 * paths, which a query would end up before.
 */
const httpUrl = ({ query }: { query: 'allowed' | 'refused' }) =>
  z.string().superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must be an http or https URL' });
    }
    if (url.username || url.password) {
      ctx.addIssue({
        code: 'custom',
        message: 'must not contain credentials',
      });
    }
    // A bare `?` or `#` leaves `search` and `hash` empty: the text decides.
    if (query === 'refused' && (url.search || url.hash || /[?#]/.test(value))) {
      ctx.addIssue({ code: 'custom', message: 'must not contain a query or fragment' });
    } else if (url.hash || value.includes('#')) {
      ctx.addIssue({ code: 'custom', message: 'must not contain a fragment' });
    }
  });

/** A comma-separated list, each item trimmed and `valid`, or refused with `message`. */
const commaList = (valid: (item: string) => boolean, message: string) =>
  z
    .string()
    .transform((value) => value.split(',').map((item) => item.trim()))
    .refine((items) => items.every(valid), message);

// Browser origins, each exactly as a browser sends it in `Origin` (scheme,
// host, optional port; no path), so matching stays exact.
const originList = commaList(
  (o) => URL.canParse(o) && new URL(o).origin === o && /^https?:/.test(o),
  'must be comma-separated origins such as https://app.example.com (scheme and host, no path)',
);

// DNS names, `.example.com` for the name and every name under it (as
// Vite's `server.allowedHosts`). Letters, digits and hyphens only: what a
// browser sends in `Host`, Unicode names turned into punycode. A final dot
// (a fully qualified name) names the same host.
const HOST_NAME = /^\.?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?$/i;
const hostList = commaList(
  (host) => HOST_NAME.test(host),
  'must be comma-separated host names such as gateway.example.com or .example.com (no scheme or port)',
);

/** A GraphQL name short enough to be a metric label value. */
export const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

// GraphQL operation names, for metric labels.
const nameList = commaList(
  (name) => OPERATION_NAME.test(name),
  'must be comma-separated GraphQL operation names such as CustomerAccounts,Account',
);

// Values of these variables are never repeated in error messages: secrets,
// URLs, which may carry credentials, and the user name, which holds the
// password when someone wrote `user:password` into it.
const SECRET = new Set([
  'ENFUCE_USERNAME',
  'ENFUCE_PASSWORD',
  'AUTH_JWT_SECRET',
  'CURSOR_SECRET',
  'ENFUCE_BASE_URL',
  'AUTH_JWKS_URL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
]);

/**
 * Every variable the gateway reads, with its default: the only place a
 * default is written (the upstream ones come from the client and policy
 * modules). README's Configuration tables repeat them for readers;
 * test/unit/configReadme.test.ts keeps the two equal.
 */
export const ENV_SCHEMA = z.object({
  PORT: integer(0, 65535).default(4000),
  HOST: nonEmpty.default('0.0.0.0'),
  NODE_ENV: z.string().optional(),
  INTROSPECTION: boolean.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_GRACE_MS: integer(1000, 600_000).default(10_000),
  SHUTDOWN_DELAY_MS: integer(0, 600_000).default(0),
  WEB_CONCURRENCY: integer(1, 64).default(1),
  MAX_IN_FLIGHT_REQUESTS: integer(0, 1_000_000).default(512),
  ADMISSION_WAIT_MS: integer(0, 60_000).default(500),
  CALLER_MAX_IN_FLIGHT: integer(0, 1_000_000).default(0),
  CALLER_CALLS_PER_MINUTE: integer(0, 100_000_000).default(0),
  GRAPHQL_JIT: boolean.default(false),
  GRAPHQL_JIT_AFTER: integer(0, 1_000_000).default(1),
  FEDERATED_TRACING: boolean.default(false),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl({ query: 'refused' }).optional(),
  OTEL_SERVICE_NAME: nonEmpty.default('enfuce-graphql-gateway'),
  METRICS_OPERATION_NAMES: nameList.optional(),
  ENFUCE_BASE_URL: httpUrl({ query: 'refused' }).optional(),
  // Basic authentication splits user and password at the first colon.
  ENFUCE_USERNAME: nonEmpty
    .refine((name) => !name.includes(':'), 'must not contain ":"')
    .optional(),
  ENFUCE_PASSWORD: nonEmpty.optional(),
  ENFUCE_TIMEOUT_MS: integer(1, 600_000).default(10_000),
  REQUEST_TIMEOUT_MS: integer(0, 3_600_000).optional(),
  ENFUCE_RETRIES: integer(0, 10).default(POLICY_DEFAULTS.retries),
  ENFUCE_RETRY_BACKOFF_MS: integer(1, 60_000).default(POLICY_DEFAULTS.backoffInitialMs),
  ENFUCE_RETRY_BACKOFF_MAX_MS: integer(1, 600_000).default(POLICY_DEFAULTS.backoffMaxMs),
  ENFUCE_MAX_CONNECTIONS: integer(1, 1024).default(CLIENT_DEFAULTS.connections),
  ENFUCE_QUEUE_SIZE: integer(0, 100_000).default(POLICY_DEFAULTS.queueSize),
  ENFUCE_BREAKER_THRESHOLD: integer(1, 10_000).default(POLICY_DEFAULTS.breakerThreshold),
  ENFUCE_BREAKER_HALF_OPEN_MS: integer(1, 3_600_000).default(POLICY_DEFAULTS.halfOpenAfterMs),
  ENFUCE_MAX_RESPONSE_BYTES: integer(1024, 1024 * 1024 * 1024).default(
    CLIENT_DEFAULTS.maxResponseBytes,
  ),
  MAX_UPSTREAM_CALLS_PER_OPERATION: integer(1, 100_000).default(CLIENT_DEFAULTS.maxCallsPerScope),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Some identity providers name the key set by a query (`?appid=`, `?client_id=`).
  AUTH_JWKS_URL: httpUrl({ query: 'allowed' }).optional(),
  AUTH_ISSUER: nonEmpty.optional(),
  AUTH_AUDIENCE: nonEmpty.optional(),
  AUTH_MAX_TOKEN_AGE_SECONDS: integer(0, 31_536_000).default(0),
  AUTH_DISABLED: boolean.default(false),
  CURSOR_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  MAX_DEPTH: integer(2, 32).default(10),
  MAX_ALIASES: integer(0, 1000).default(15),
  MAX_TOKENS: integer(100, 20_000).default(1000),
  MAX_ROOT_FIELDS: integer(1, 100).default(10),
  MAX_DIRECTIVES: integer(0, 1000).default(50),
  MAX_RESULT_FIELDS: integer(100, 10_000_000).default(20_000),
  MAX_BODY_BYTES: integer(1024, 8 * 1024 * 1024).default(100 * 1024),
  CORS_ORIGINS: originList.default([]),
  ALLOWED_HOSTS: hostList.optional(),
});

type Env = Record<string, string | undefined>;

/** REQUEST_TIMEOUT_MS unset, with ENFUCE_TIMEOUT_MS at most this. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Settings that work but weaken something, or look like a mistake, one line
 * each for the start-up log. They are not refused: the contract allows them.
 */
export function configWarnings(
  config: Config,
  { underAnotherPrimary = false }: { underAnotherPrimary?: boolean } = {},
): string[] {
  return [
    ...shutdownWarnings(config),
    ...upstreamWarnings(config, underAnotherPrimary),
    ...callerLimitWarnings(config),
    ...(underAnotherPrimary ? anotherPrimaryWarnings(config) : []),
  ];
}

/**
 * A worker of another cluster primary (pm2's) runs as a gateway of its own:
 * it cannot fork workers, and shares no cursor key with its siblings.
 */
function anotherPrimaryWarnings({ operations, cursorSecretSet }: Config): string[] {
  return [
    ...(operations.workers > 1
      ? ['WEB_CONCURRENCY is ignored: this process is a worker of another cluster primary']
      : []),
    ...(cursorSecretSet
      ? []
      : [
          "CURSOR_SECRET is unset under another cluster primary: each of its processes seals cursors with its own key, so a client's next page fails on the others",
        ]),
  ];
}

/** Whether callers prove who they are: not with the built-in simulator, nor with AUTH_DISABLED=true. */
export function callersNeedTokens({ upstream, auth }: Pick<Config, 'upstream' | 'auth'>): boolean {
  return upstream.baseUrl !== undefined && !auth.disabled;
}

/**
 * Each verified caller's share, when a limit is set and callers need a
 * token; undefined when no caller is limited.
 */
export function callerSharesPolicy(config: Config): CallerSharesPolicy | undefined {
  const { callerMaxInFlight, callerCallsPerMinute } = config.operations;
  // Callers without a verified token name themselves: no share is theirs.
  if (!callersNeedTokens(config) || (callerMaxInFlight === 0 && callerCallsPerMinute === 0)) {
    return undefined;
  }
  return { maxInFlight: callerMaxInFlight, callsPerMinute: callerCallsPerMinute };
}

function callerLimitWarnings(config: Config): string[] {
  const { operations, upstream } = config;
  const set = [
    ...(operations.callerMaxInFlight > 0 ? ['CALLER_MAX_IN_FLIGHT'] : []),
    ...(operations.callerCallsPerMinute > 0 ? ['CALLER_CALLS_PER_MINUTE'] : []),
  ];
  if (set.length === 0) return [];
  if (!callersNeedTokens(config)) {
    const why = upstream.baseUrl === undefined ? 'the built-in simulator' : 'AUTH_DISABLED=true';
    return [
      `caller limits (${set.join(', ')}) apply only to callers with a verified token, and here callers need none (${why}): no caller is limited`,
    ];
  }
  // Calls beyond a request's first are charged as it ends, so without a cap
  // on requests running, a caller's burst can go far past its minute.
  return operations.callerMaxInFlight === 0
    ? [
        `CALLER_CALLS_PER_MINUTE is set without CALLER_MAX_IN_FLIGHT: a request is charged its first call as it is let in and the rest as it ends, so a caller with n calls left can start n requests at once and make up to n × MAX_UPSTREAM_CALLS_PER_OPERATION (${upstream.maxCallsPerOperation}) calls`,
      ]
    : [];
}

function shutdownWarnings({ operations, upstream }: Config): string[] {
  const drainMs = operations.shutdownGraceMs - operations.shutdownDelayMs;
  return drainMs < upstream.timeoutMs
    ? [
        `SHUTDOWN_GRACE_MS leaves ${drainMs} ms after SHUTDOWN_DELAY_MS to drain, less than ENFUCE_TIMEOUT_MS (${upstream.timeoutMs}): a request that starts as the drain begins, on a slow issuer, can be cut off`,
      ]
    : [];
}

function upstreamWarnings(
  { upstream, auth, cursorSecretSet, production, allowedHosts }: Config,
  underAnotherPrimary: boolean,
): string[] {
  if (upstream.baseUrl === undefined) {
    // Keys without an issuer, or production without one, are most likely a
    // deployment whose ENFUCE_BASE_URL went missing (or empty): the contract
    // has the simulator answer then, and let every caller in.
    const keys = auth.jwtSecret || auth.jwksUrl;
    const why = [
      ...(production ? ['NODE_ENV=production does not change that'] : []),
      ...(keys ? ['AUTH_JWT_SECRET and AUTH_JWKS_URL apply only to a real upstream'] : []),
    ];
    return why.length > 0
      ? [
          // In production an empty value stops the start (loadConfig).
          `ENFUCE_BASE_URL is ${production ? 'unset' : 'unset (or empty)'}, so the built-in simulator answers with made-up data and lets every caller in; ${why.join('; ')}`,
        ]
      : [];
  }
  const warnings: string[] = [];
  const baseUrl = new URL(upstream.baseUrl);
  if (baseUrl.protocol === 'http:' && !LOOPBACK.test(baseUrl.hostname)) {
    warnings.push(
      'ENFUCE_BASE_URL is plain http: the issuer credentials and card data cross the network unencrypted',
    );
  }
  const route = /\/(account|customer)\/*$/.exec(baseUrl.pathname)?.[1];
  if (route !== undefined) {
    warnings.push(
      `ENFUCE_BASE_URL ends in /${route}: the gateway adds /account/... and /customer/... itself, so the issuer's root is likely one level up`,
    );
  }
  if (auth.disabled) {
    // The per-caller limits have their own warning (callerLimitWarnings).
    const ignored = [
      ...(auth.jwtSecret ? ['AUTH_JWT_SECRET'] : []),
      ...(auth.jwksUrl ? ['AUTH_JWKS_URL'] : []),
    ];
    warnings.push(
      `AUTH_DISABLED=true: every caller reaches the issuer without a token${ignored.length > 0 ? `; ${ignored.join(' and ')} ${ignored.length > 1 ? 'are' : 'is'} ignored` : ''}`,
    );
    if (allowedHosts === undefined) {
      warnings.push(
        'AUTH_DISABLED=true without ALLOWED_HOSTS: a web page whose domain is made to resolve to the gateway (DNS rebinding) is same-origin with it and can read what it answers; set ALLOWED_HOSTS to the names callers use',
      );
    }
  }
  // Under another primary anotherPrimaryWarnings says it for that case.
  if (!cursorSecretSet && !underAnotherPrimary) {
    warnings.push(
      'CURSOR_SECRET is unset: cursors are sealed with a key made at start, so a cursor works only on this process (and its workers) until it stops; replicas behind one endpoint need a shared CURSOR_SECRET',
    );
  }
  // A key set AUTH_DISABLED ignores weakens nothing.
  if (auth.jwksUrl !== undefined && !auth.disabled) {
    const { protocol, hostname } = new URL(auth.jwksUrl);
    if (protocol === 'http:' && !LOOPBACK.test(hostname)) {
      warnings.push(
        'AUTH_JWKS_URL is plain http: anyone on the network path could serve their own keys and sign tokens',
      );
    }
    if (auth.audience === undefined) {
      warnings.push(
        'AUTH_AUDIENCE is unset: any token of the identity provider is accepted, whichever application it was issued for',
      );
    }
    if (auth.issuer === undefined) {
      warnings.push(
        'AUTH_ISSUER is unset: a token signed with a key of the key set is accepted whoever issued it (a provider may sign for several tenants with one key set)',
      );
    }
  }
  return warnings;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Reads and validates the environment; throws ConfigError with one clear line. */
export function loadConfig(env: Env = process.env): Config {
  // An empty variable means unset, as in most deployment tools (but see
  // ENFUCE_BASE_URL in production, below).
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = ENV_SCHEMA.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0]);
    const got = SECRET.has(name) ? '' : ` (got ${JSON.stringify(present[name])})`;
    throw new ConfigError(`${name} ${issue.message}${got}`);
  }
  const e = result.data;
  // `Production` or `prod` would silently keep Sandbox, introspection and stack traces on.
  if (e.NODE_ENV !== undefined && e.NODE_ENV !== 'production' && /^prod/i.test(e.NODE_ENV)) {
    throw new ConfigError(
      `NODE_ENV must be exactly "production" to turn production behaviour on (got ${JSON.stringify(e.NODE_ENV)})`,
    );
  }
  const production = e.NODE_ENV === 'production';
  // Unset, the simulator answers: the contract's default, and how the image
  // is tried out. Set but empty in production is a deployment whose value
  // went missing (a blank ConfigMap key, a failed template), which the
  // simulator would serve made-up balances to every caller without a token.
  if (production && env.ENFUCE_BASE_URL === '') {
    throw new ConfigError(
      "ENFUCE_BASE_URL is set but empty while NODE_ENV=production: set it to the issuer's root, or leave it unset to run over the built-in simulator",
    );
  }

  if (e.ENFUCE_BASE_URL) {
    if (!e.ENFUCE_USERNAME)
      throw new ConfigError('ENFUCE_USERNAME is required when ENFUCE_BASE_URL is set');
    if (!e.ENFUCE_PASSWORD)
      throw new ConfigError('ENFUCE_PASSWORD is required when ENFUCE_BASE_URL is set');
    if (!e.AUTH_JWT_SECRET && !e.AUTH_JWKS_URL && !e.AUTH_DISABLED) {
      throw new ConfigError(
        'AUTH_JWT_SECRET or AUTH_JWKS_URL must be set when ENFUCE_BASE_URL is set (or AUTH_DISABLED=true to let callers in without a token)',
      );
    }
  }

  if (e.ENFUCE_RETRY_BACKOFF_MS > e.ENFUCE_RETRY_BACKOFF_MAX_MS) {
    throw new ConfigError(
      `ENFUCE_RETRY_BACKOFF_MS must not exceed ENFUCE_RETRY_BACKOFF_MAX_MS (${e.ENFUCE_RETRY_BACKOFF_MAX_MS}), which caps every delay (got ${e.ENFUCE_RETRY_BACKOFF_MS})`,
    );
  }

  // A shorter request limit would quietly cut every call short of the
  // ENFUCE_TIMEOUT_MS the contract promises it.
  if (e.REQUEST_TIMEOUT_MS && e.REQUEST_TIMEOUT_MS < e.ENFUCE_TIMEOUT_MS) {
    throw new ConfigError(
      `REQUEST_TIMEOUT_MS must be 0 (no limit) or at least ENFUCE_TIMEOUT_MS (${e.ENFUCE_TIMEOUT_MS}), the time one call may take (got ${e.REQUEST_TIMEOUT_MS})`,
    );
  }

  const cutOffAt = e.SHUTDOWN_GRACE_MS - cutOffMarginMs(e.SHUTDOWN_GRACE_MS);
  if (e.SHUTDOWN_DELAY_MS >= cutOffAt) {
    throw new ConfigError(
      `SHUTDOWN_DELAY_MS must be shorter than ${cutOffAt} ms, when SHUTDOWN_GRACE_MS (${e.SHUTDOWN_GRACE_MS}) cuts off what is still open, or requests could not drain (got ${e.SHUTDOWN_DELAY_MS})`,
    );
  }

  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    production,
    introspection: e.INTROSPECTION ?? !production,
    logLevel: e.LOG_LEVEL,
    graphqlJit: e.GRAPHQL_JIT,
    graphqlJitAfter: e.GRAPHQL_JIT_AFTER,
    federatedTracing: e.FEDERATED_TRACING,
    operations: Object.freeze({
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
      workers: e.WEB_CONCURRENCY,
      maxInFlight: e.MAX_IN_FLIGHT_REQUESTS,
      admissionWaitMs: e.ADMISSION_WAIT_MS,
      callerMaxInFlight: e.CALLER_MAX_IN_FLIGHT,
      callerCallsPerMinute: e.CALLER_CALLS_PER_MINUTE,
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: e.OTEL_SERVICE_NAME,
      metricsOperationNames: e.METRICS_OPERATION_NAMES && Object.freeze(e.METRICS_OPERATION_NAMES),
    }),
    // Never a key anyone could read: a known one would let a caller mint cursors.
    cursorSecret: e.CURSOR_SECRET ?? randomBytes(32).toString('base64url'),
    cursorSecretSet: e.CURSOR_SECRET !== undefined,
    upstream: Object.freeze({
      baseUrl: e.ENFUCE_BASE_URL,
      username: e.ENFUCE_USERNAME ?? 'gateway',
      password: e.ENFUCE_PASSWORD ?? 'simulator',
      timeoutMs: e.ENFUCE_TIMEOUT_MS,
      // As long as a router's default request timeout, and never shorter than one call.
      requestTimeoutMs:
        e.REQUEST_TIMEOUT_MS ?? Math.max(DEFAULT_REQUEST_TIMEOUT_MS, e.ENFUCE_TIMEOUT_MS),
      retries: e.ENFUCE_RETRIES,
      retryBackoffMs: e.ENFUCE_RETRY_BACKOFF_MS,
      retryBackoffMaxMs: e.ENFUCE_RETRY_BACKOFF_MAX_MS,
      maxConnections: e.ENFUCE_MAX_CONNECTIONS,
      queueSize: e.ENFUCE_QUEUE_SIZE,
      breakerThreshold: e.ENFUCE_BREAKER_THRESHOLD,
      breakerHalfOpenMs: e.ENFUCE_BREAKER_HALF_OPEN_MS,
      maxResponseBytes: e.ENFUCE_MAX_RESPONSE_BYTES,
      maxCallsPerOperation: e.MAX_UPSTREAM_CALLS_PER_OPERATION,
    }),
    auth: Object.freeze({
      jwtSecret: e.AUTH_JWT_SECRET,
      jwksUrl: e.AUTH_JWKS_URL,
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      maxTokenAgeSeconds: e.AUTH_MAX_TOKEN_AGE_SECONDS,
      disabled: e.AUTH_DISABLED,
    }),
    corsOrigins: Object.freeze(e.CORS_ORIGINS),
    allowedHosts: e.ALLOWED_HOSTS && Object.freeze(e.ALLOWED_HOSTS),
    limits: Object.freeze({
      maxDepth: e.MAX_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxTokens: e.MAX_TOKENS,
      maxRootFields: e.MAX_ROOT_FIELDS,
      maxDirectives: e.MAX_DIRECTIVES,
      maxResultFields: e.MAX_RESULT_FIELDS,
      maxBodyBytes: e.MAX_BODY_BYTES,
    }),
  });
}
