/**
 * The HTTP surface on one port: GraphQL at /graphql, health at /health/*,
 * Prometheus at /metrics. Fastify does the HTTP work (body limit, parsing,
 * keep-alive, logging); Apollo Server does GraphQL.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { YoungAbortController } from '../abort.js';
import type { GatewayContext, RequestHeaders } from '../context.js';
import { headerValue } from '../headers.js';
import { refuseUnknownHosts } from './allowedHosts.js';
import type { CallerLimits } from './callerLimits.js';
import { answerClientError, maxHeaderBytes } from './clientErrors.js';
import { corsPolicy } from './cors.js';
import {
  GRAPHQL_METHODS,
  hardenGraphQL,
  prefersLandingPage,
  refuseLargeBodies,
  refuseUnacceptable,
  refuseUnreadableHost,
} from './hardening.js';
import { LoadShedder, type SheddingPolicy } from './overload.js';
import { deferredRequestLogger } from './requestLogger.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The GraphQL context, once built; the request log and metrics read it after the answer. */
    gatewayContext: GatewayContext | null;
    /**
     * On /graphql: aborts when the caller hangs up before the answer was
     * written. Upstream calls stop (client.ts) and the request is summarized
     * as abandoned (requestSummary.ts).
     */
    callerGone: AbortSignal | null;
    /** A GET on /graphql answered with the landing page: not a GraphQL request. */
    landingPage: boolean;
    /**
     * A GraphQL request, rather than a preflight, the landing page or another
     * route: only those are logged, counted and traced. Set by the first
     * onRequest hook, so every later hook reads it.
     */
    graphql: boolean;
    /** The trace of this request's server span, when tracing is on (observability/spans.ts). */
    traceId: string | null;
  }
}

export interface HttpServerOptions {
  metrics: Registry;
  logger: Logger;
  /** Whether /health/ready may answer 200. */
  isReady: () => boolean;
  /** Largest request body in bytes; more is 413. @default 102400 */
  bodyLimit?: number;
  /** Which browser origins may call (see cors.ts). @default corsPolicy(): none */
  cors?: FastifyCorsOptions;
  /** Whether a GET that prefers HTML gets the landing page (outside production). @default false */
  landingPage?: boolean;
  /** Told the status of every request Node's parser refused (clientErrors.ts). */
  onParserRefusal?: (status: number) => void;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const DEFAULT_BODY_LIMIT = 100 * 1024;

export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const { metrics, logger, isReady } = options;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const headerLimit = maxHeaderBytes(bodyLimit);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request comes from the request log (observability/requestLog.ts), with GraphQL fields.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: deferredRequestLogger,
    bodyLimit,
    // Slow-header clients (slowloris) are cut off after 10 s; Node checks
    // every second instead of its default 30.
    http: {
      headersTimeout: 10_000,
      connectionsCheckingInterval: 1_000,
      // A GET carries its query in the URL: it may be as long as a POST's
      // body, on top of Node's usual 16 KiB for the headers, so that a long
      // query gets the operation limits' 400, not a 431, either way.
      maxHeaderSize: headerLimit,
    },
    // A caller's x-request-id is kept when it is a plain token, so logs line up.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    requestTimeout: 30_000,
    // What Node refuses before fastify routes (a 431, a 408), shaped like the rest.
    clientErrorHandler: answerClientError(headerLimit, options.onParserRefusal),
    // While draining, a request that still arrives on an open connection is
    // served (with `Connection: close`) rather than refused: it was accepted.
    return503OnClosing: false,
  });
  app.decorateRequest('gatewayContext', null);
  app.decorateRequest('callerGone', null);
  app.decorateRequest('landingPage', false);
  app.decorateRequest('traceId', null);
  app.decorateRequest('graphql', false);
  // First of the onRequest hooks: the others read request.graphql. The
  // hooks of every request take a callback rather than return a promise:
  // a microtask less each.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.url === '/graphql' && request.method !== 'OPTIONS') {
      request.landingPage = options.landingPage === true && prefersLandingPage(request);
      request.graphql = !request.landingPage;
      if (request.graphql) request.callerGone = callerGone(reply.raw);
    }
    done();
  });

  await app.register(fastifyCors, options.cors ?? corsPolicy());
  // 413/400/405/415 answers fastify gives before Apollo, shaped like GraphQL errors.
  hardenGraphQL(app, bodyLimit);
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    // One caller's balances: no cache between the gateway and the app may
    // keep them (a proxy that caches GETs by URL would hand them to the next
    // caller). Apollo's own choice, on a persisted-query miss, stands.
    if (request.graphql && !reply.hasHeader('cache-control')) {
      void reply.header('cache-control', 'no-store');
    }
    // Starting or draining: clients should reconnect, to another replica.
    if (!isReady()) void reply.header('connection', 'close');
    done(null, payload);
  });

  // For the platform, not for browsers: no origin may read them from a page.
  const platformOnly = { config: { cors: false } };
  app.get('/health/live', platformOnly, async () => ({ status: 'ok' }));
  app.get('/health/ready', platformOnly, async (_request, reply) =>
    isReady() ? { status: 'ready' } : reply.code(503).send({ status: 'unavailable' }),
  );
  app.get('/metrics', platformOnly, async (_request, reply) =>
    reply.type(metrics.contentType).send(await metrics.metrics()),
  );

  return app;
}

/**
 * Serves GraphQL at /graphql. Separate from createHttpServer because Apollo
 * must be started first, and its drain plugin needs the HTTP server before that.
 */
export function mountGraphQL(
  app: FastifyInstance,
  apollo: ApolloServer<GatewayContext>,
  createContext: (headers: RequestHeaders) => Promise<GatewayContext>,
  options: {
    /** When GraphQL requests are shed with 503 (overload.ts). */
    shedding: SheddingPolicy;
    /** Each verified caller's share (callerLimits.ts); unset, callers are not told apart. */
    callers?: CallerLimits | undefined;
    /** The `Host` names answered (allowedHosts.ts); unset, any. */
    allowedHosts?: readonly string[] | undefined;
    /**
     * Told what the context function threw, and for which request: Apollo
     * hands formatError, which logs an unexpected error, the error alone.
     */
    onContextFailure?: (error: unknown, requestId: string) => void;
  },
): void {
  const { shedding, callers, allowedHosts, onContextFailure } = options;
  const shedder = new LoadShedder(shedding);
  const answer = fastifyApolloHandler<GatewayContext>(apollo, {
    context: async (request) => {
      try {
        const context = await createContext({
          authorization: authorizationOf(request.raw),
          auditUser: headerValue(request.headers['x-audit-user']),
          requestId: request.id,
          signal: request.callerGone ?? undefined,
        });
        // Before the wait, so a request shed there is logged with its caller.
        request.gatewayContext = context;
        // Before the door: a caller past its share does not wait in line.
        const admitted = callers?.admit(context);
        if (admitted) await admitted;
        // Last of the context's work: parsing, validation and the operation
        // follow at once, so its first calls queue right after the wait.
        const wait = shedder.waitToStart(request.callerGone);
        if (wait) {
          await wait.catch((error: unknown) => {
            callers?.excuse(context);
            throw error;
          });
        }
        return context;
      } catch (error) {
        onContextFailure?.(error, request.id);
        throw error;
      }
    },
  });
  app.route({
    method: [...GRAPHQL_METHODS],
    url: '/graphql',
    onRequest: [
      refuseLargeBodies(app.initialConfig.bodyLimit ?? DEFAULT_BODY_LIMIT),
      refuseUnreadableHost,
      ...(allowedHosts ? [refuseUnknownHosts(allowedHosts)] : []),
      refuseUnacceptable,
    ],
    handler: shedder.guard(callers ? callers.guard(answer) : answer),
  });
}

/**
 * Node keeps only the first of repeated Authorization headers, while a proxy
 * in front may authorize on the last: the gateway must not pick one. Joined,
 * as Node joins other repeated headers, they are never one valid token.
 */
function authorizationOf(raw: IncomingMessage): string | undefined {
  const { rawHeaders } = raw;
  let values: string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'authorization') {
      (values ??= []).push(rawHeaders[i + 1]!);
    }
  }
  return values && values.length > 1 ? values.join(', ') : raw.headers.authorization;
}

/** Aborts when the connection closes before the answer was written: the caller hung up. */
function callerGone(response: ServerResponse): AbortSignal {
  const gone = new YoungAbortController();
  // Every upstream call of the request listens to it.
  setMaxListeners(0, gone.signal);
  response.once('close', () => {
    if (!response.writableFinished) gone.abort();
  });
  return gone.signal;
}
