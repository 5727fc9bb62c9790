/**
 * Assembles the gateway from its parts: upstream client, schema, Apollo
 * Server, HTTP server. No side effects on import; `index.ts` owns the process.
 */
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createAuthenticator } from './auth/authenticate.js';
import {
  callerSharesPolicy,
  callersNeedTokens,
  type Config,
  type UpstreamConfig,
} from './config.js';
import { createContextFactory, type GatewayContext } from './context.js';
import { createFormatError } from './errors.js';
import { createGatewayMetrics, type GatewayMetrics } from './observability/metrics.js';
import { corsPolicy } from './http/cors.js';
import { CallerLimits } from './http/callerLimits.js';
import { CallerShares, type CallerLedger } from './http/callerShares.js';
import { createHttpServer, mountGraphQL } from './http/server.js';
import { cutUnfinishedRequestsOnClose } from './http/unfinishedRequests.js';
import { operationLimits } from './limits/index.js';
import { createLogger } from './logger.js';
import { everyTenSeconds } from './observability/throttle.js';
import { refuseUnusableAccountIds } from './plugins/accountIds.js';
import { refuseTooManyRepresentations } from './plugins/entitiesLimit.js';
import { refuseInexactIds } from './plugins/exactIds.js';
import { nullArgumentsCheck } from './plugins/nullArguments.js';
import { landingPagePlugin } from './plugins/landingPage.js';
import { operationChecksPlugin } from './plugins/operationChecks.js';
import {
  recordBatch,
  recordRequests,
  recordUpstream,
  trackInFlight,
} from './observability/recordMetrics.js';
import { logCircuitChanges, logRequests, logUpstreamFailures } from './observability/requestLog.js';
import { observeRequests, requestSummaryPlugin } from './observability/requestSummary.js';
import { resultFieldsLimit } from './plugins/resultFieldsLimit.js';
import { upstreamCallsPlugin } from './plugins/upstreamCalls.js';
import { unexpectedErrors, type UnexpectedErrors } from './plugins/unexpectedErrors.js';
import { createCursorCodec } from './resolvers/cursor.js';
import { jitGateway } from './execution/jitGateway.js';
import { createSchema } from './schema.js';
import { FIXTURES } from './simulator/fixtures.js';
import { EnfuceClient, type UpstreamTracer } from './upstream/client.js';
import {
  createUpstreamPolicy,
  type UpstreamPolicy,
  type UpstreamPolicyView,
} from './upstream/policy.js';

export interface GatewayDependencies {
  /**
   * The built-in simulator's URL, when the gateway runs over it (no
   * `ENFUCE_BASE_URL`); callers then need no token.
   */
  simulatorUrl?: string;
  logger?: Logger;
  /** Used as given: the gateway adds no call policy, upstream metrics or failure logs to it. */
  client?: EnfuceClient;
  /** Where the instruments go (a cluster worker's aggregating registry). @default a new Registry */
  metricsRegistry?: Registry;
  /** Where each caller's share is counted (a cluster worker's: the primary). @default this process */
  callerShares?: CallerLedger;
}

export interface Gateway {
  app: FastifyInstance;
  apollo: ApolloServer<GatewayContext>;
  metrics: Registry;
  /** Circuit state, bulkhead queue and events; undefined when a client was injected. */
  upstreamPolicy: UpstreamPolicyView | undefined;
  /** Listens on `config.host`/`config.port`; resolves to the base URL. */
  listen(): Promise<string>;
  /**
   * Drops readiness at once, keeps serving for `delayMs` (so load balancers
   * notice), then stops taking connections, lets in-flight requests finish
   * and closes the upstream pool. Connections still open `graceMs`
   * (default `SHUTDOWN_GRACE_MS`) after the call are cut off; `cutOff`
   * says whether any were.
   */
  close(options?: { delayMs?: number; graceMs?: number }): Promise<{ cutOff: boolean }>;
}

export async function createGateway(
  config: Config,
  deps: GatewayDependencies = {},
): Promise<Gateway> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const baseUrl = config.upstream.baseUrl ?? deps.simulatorUrl;
  const onSimulator = config.upstream.baseUrl === undefined;
  if (baseUrl === undefined) {
    throw new Error('createGateway needs ENFUCE_BASE_URL or a simulator URL.');
  }
  const instruments = createGatewayMetrics({
    registry: deps.metricsRegistry,
    operationNames: config.operations.metricsOperationNames,
  });
  // Loaded only when tracing is on, so it costs nothing otherwise.
  const tracing =
    config.operations.otlpEndpoint === undefined
      ? undefined
      : await import('./observability/spans.js');
  const { client, upstreamPolicy } = deps.client
    ? { client: deps.client, upstreamPolicy: undefined }
    : createUpstream(config.upstream, baseUrl, {
        instruments,
        logger,
        tracer: tracing?.traceUpstream(baseUrl),
      });
  const metrics = instruments.registry;
  let ready = false;
  const app = await createHttpServer({
    metrics,
    logger,
    isReady: () => ready,
    bodyLimit: config.limits.maxBodyBytes,
    cors: corsPolicy({ origins: config.corsOrigins, introspection: config.introspection }),
    landingPage: !config.production,
    onParserRefusal: (status) => instruments.httpParserRefusals.inc({ status: String(status) }),
  });
  cutUnfinishedRequestsOnClose(app);
  const summaryListeners = [
    trackInFlight(app, instruments),
    logRequests(logger),
    recordRequests(instruments),
  ];
  if (tracing !== undefined) {
    summaryListeners.push(tracing.traceRequests(app, (name) => instruments.operationLabel(name)));
  }
  observeRequests(app, summaryListeners);

  const unexpected = unexpectedErrors(logger);
  const apollo = createApollo(config, logger, onSimulator, unexpected);
  // When close() began, and its grace; apollo.stop() called on its own starts the grace then.
  let closingAt: number | undefined;
  let graceMs = config.operations.shutdownGraceMs;
  let cutOff = false;
  apollo.addPlugin({
    async serverWillStart() {
      return {
        // As @as-integrations/fastify's drain plugin, but cut off at
        // SHUTDOWN_GRACE_MS instead of its fixed 10 s, so a long upstream
        // deadline can still finish inside a long grace period. The grace
        // counts from close(), as the process entry's counts from the
        // signal, not from the end of the delay.
        async drainServer() {
          const deadline = (closingAt ?? performance.now()) + graceMs;
          const timer = setTimeout(
            () => {
              cutOff = true;
              app.server.closeAllConnections();
            },
            Math.max(0, deadline - performance.now()),
          );
          await app.close();
          clearTimeout(timer);
        },
      };
    },
  });
  await apollo.start();
  const authenticates = callersNeedTokens(config);
  const shares = callerSharesPolicy(config);
  mountGraphQL(
    app,
    apollo,
    createContextFactory({
      client,
      authenticate: createAuthenticator(config.auth, {
        open: !authenticates,
        // A key set that is down fails every request.
        onKeySetFailure: everyTenSeconds((failure) =>
          logger.warn(
            { jwks: failure },
            'the JWKS could not be fetched; only keys already held check tokens',
          ),
        ),
      }),
      cursors: createCursorCodec(config.cursorSecret),
      requestTimeoutMs: config.upstream.requestTimeoutMs,
      onBatch: recordBatch(instruments),
    }),
    {
      shedding: {
        maxInFlight: config.operations.maxInFlight,
        maxWaitMs: config.operations.admissionWaitMs,
        upstream: upstreamPolicy,
        onShed: (reason) => instruments.requestsShed.inc({ reason }),
        onWaiting: (waiting) => instruments.requestsWaiting.set(waiting),
      },
      callers:
        shares &&
        new CallerLimits(deps.callerShares ?? new CallerShares(shares), (reason) =>
          instruments.requestsRateLimited.inc({ reason }),
        ),
      allowedHosts: config.allowedHosts,
      onContextFailure: unexpected.noteContextFailure,
    },
  );

  return {
    app,
    apollo,
    metrics,
    upstreamPolicy,
    async listen() {
      const address = await app.listen({ port: config.port, host: config.host });
      ready = true;
      return address;
    },
    async close(options = {}) {
      ready = false;
      closingAt = performance.now();
      graceMs = Number.isFinite(options.graceMs)
        ? Math.max(0, options.graceMs!)
        : config.operations.shutdownGraceMs;
      const delayMs = options.delayMs ?? 0;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      // Stopping Apollo drains the HTTP server (the plugin above).
      await apollo.stop();
      // A request cut off at the grace period may still wait for the issuer.
      await client.close(Math.max(0, closingAt + graceMs - performance.now()));
      return { cutOff };
    },
  };
}

/**
 * The one client of the one upstream, with the policy every request shares,
 * metrics and a log line for its attempts, and spans when tracing is on.
 */
function createUpstream(
  upstream: UpstreamConfig,
  baseUrl: string,
  {
    instruments,
    logger,
    tracer,
  }: { instruments: GatewayMetrics; logger: Logger; tracer?: UpstreamTracer },
): { client: EnfuceClient; upstreamPolicy: UpstreamPolicy } {
  const upstreamPolicy = createUpstreamPolicy(upstream, { traced: tracer !== undefined });
  instruments.watchPolicy(upstreamPolicy);
  upstreamPolicy.onEvent(logCircuitChanges(logger));
  const upstreamMetrics = recordUpstream(instruments);
  const upstreamLog = logUpstreamFailures(logger);
  const client = new EnfuceClient({
    baseUrl,
    username: upstream.username,
    password: upstream.password,
    timeoutMs: upstream.timeoutMs,
    connections: upstream.maxConnections,
    maxResponseBytes: upstream.maxResponseBytes,
    maxCallsPerScope: upstream.maxCallsPerOperation,
    policy: upstreamPolicy,
    tracer,
    observer: (attempt, scope) => {
      upstreamMetrics(attempt, scope);
      upstreamLog(attempt, scope);
    },
  });
  return { client, upstreamPolicy };
}

/** Apollo Server over the schema, with the operation limits and the gateway's plugins. */
function createApollo(
  config: Config,
  logger: Logger,
  onSimulator: boolean,
  unexpected: UnexpectedErrors,
): ApolloServer<GatewayContext> {
  const schema = createSchema();
  return new ApolloServer<GatewayContext>({
    // GRAPHQL_JIT: the same schema, executed by compiled queries.
    ...(config.graphqlJit
      ? { gateway: jitGateway(schema, { compileAfterRuns: config.graphqlJitAfter }) }
      : { schema }),
    // Apollo's own lines (a plugin that threw, a failed start) as JSON lines like the rest.
    logger,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: !config.production,
    hideSchemaDetailsFromClientErrors: config.production,
    // Depth, aliases, tokens, root fields, directives, error count; `_service` without introspection.
    ...operationLimits(config.limits, config.introspection),
    allowBatchedHttpRequests: false,
    // index.ts owns SIGTERM/SIGINT: readiness first, then the drain, bounded by a grace period.
    stopOnTerminationSignals: false,
    formatError: createFormatError(unexpected.log),
    plugins: [
      unexpected.plugin,
      requestSummaryPlugin(),
      operationChecksPlugin([
        refuseInexactIds,
        nullArgumentsCheck(schema),
        refuseUnusableAccountIds,
        refuseTooManyRepresentations,
        resultFieldsLimit(config.limits.maxResultFields),
      ]),
      upstreamCallsPlugin({ extension: !config.production }),
      // Per-field work nobody here reads.
      ApolloServerPluginCacheControlDisabled(),
      // Off unless asked for: any client may send the trace header, and a
      // traced answer costs about 1.3x the CPU (bench/README.md).
      config.federatedTracing
        ? ApolloServerPluginInlineTrace({ includeErrors: { masked: true } })
        : ApolloServerPluginInlineTraceDisabled(),
      landingPagePlugin({
        production: config.production,
        // Over the simulator the example runs as is, on a customer with many pages.
        exampleCustomerId: onSimulator ? FIXTURES.customerWith75 : undefined,
        tokenRequired: !onSimulator && !config.auth.disabled,
      }),
    ],
  });
}
