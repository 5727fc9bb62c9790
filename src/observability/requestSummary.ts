/**
 * One summary per GraphQL HTTP request, handed to listeners (the request log,
 * the metrics, tracing) once the answer has gone out, or, when the caller
 * hung up first, once the answer was ready: fastify's onResponse never runs
 * for those, and they are the slowest requests, which must not vanish from
 * the figures. The Apollo plugin notes what the operation did; the fastify
 * hooks add what HTTP knows (status, time) and cover requests refused before
 * an operation ran (no token, CSRF, body too large), which Apollo plugins
 * never see.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayContext } from '../context.js';
import { clientErrorStatus } from '../http/clientErrors.js';
import { truncated } from '../text.js';

export type RequestOutcome = 'ok' | 'partial' | 'rejected' | 'error' | 'abandoned';

export interface RequestSummary {
  requestId: string;
  /** The operation's name; `null` when it has none; undefined when no operation was resolved. */
  operationName: string | null | undefined;
  /** The caller's `sub`; undefined when the request was refused before the caller was known. */
  sub: string | undefined;
  /** Its token's `iss`, when it had one: a `sub` names a caller only within its issuer. */
  issuer: string | undefined;
  status: number;
  durationMs: number;
  /** Upstream HTTP calls made for this request, retries included. */
  upstreamCalls: number;
  /** Distinct `extensions.code` values of the errors sent back, in order of first appearance. */
  errorCodes: string[];
  /**
   * ok: no errors; partial: data and errors; rejected: 4xx; error: no data,
   * or 5xx; abandoned: the caller hung up before the answer went out.
   */
  outcome: RequestOutcome;
}

export type SummaryListener = (summary: RequestSummary, request: FastifyRequest) => void;

interface OperationFacts {
  operationName: string | null | undefined;
  errorCodes: string[];
  hasData: boolean;
}

// Keyed by objects that live exactly as long as the request. Apollo runs an
// operation on a shallow copy of the context, so the key is an object the
// copy shares with the original: the request's upstream call counter.
const factsByRequest = new WeakMap<GatewayContext['upstreamCalls'], OperationFacts>();

// A name is one token, as long as the body allows; logs and spans keep
// what metrics would (operation names of at most 100 characters).
const MAX_NAME_CHARS = 100;

/** Notes the operation name and error codes of every request that reached execution. */
export function requestSummaryPlugin(): ApolloServerPlugin<GatewayContext> {
  // Holds nothing of a request's: one listener serves them all.
  const listener: GraphQLRequestListener<GatewayContext> = {
    async willSendResponse({ contextValue, operationName, response }) {
      const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
      factsByRequest.set(contextValue.upstreamCalls, {
        operationName: operationName && truncated(operationName, MAX_NAME_CHARS),
        errorCodes: codesOf(result?.errors),
        hasData: result?.data != null,
      });
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}

interface Progress {
  answerReady: boolean;
  summarized: boolean;
  /** The error codes of an answer sent without running an operation, read from its body. */
  refusalCodes?: string[];
}

const progressByRequest = new WeakMap<FastifyRequest, Progress>();

/**
 * Calls every listener exactly once per `/graphql` request (preflights
 * excluded): after the answer went out, or when it is ready for a caller
 * that already left.
 */
export function observeRequests(app: FastifyInstance, listeners: SummaryListener[]): void {
  const summarize = (request: FastifyRequest, reply: FastifyReply, progress: Progress) => {
    if (progress.summarized) return;
    progress.summarized = true;
    const context = request.gatewayContext ?? undefined;
    const facts = context && factsByRequest.get(context.upstreamCalls);
    const errorCodes = facts?.errorCodes ?? progress.refusalCodes ?? [];
    // Node answered it (a body that timed out: 408) while fastify still held
    // the status it set for the body it never got.
    const refusedByNode = clientErrorStatus(request.raw.socket);
    const status = refusedByNode ?? reply.statusCode;
    const summary: RequestSummary = {
      requestId: request.id,
      operationName: facts?.operationName,
      sub: context?.caller.sub,
      issuer: context?.caller.issuer,
      status,
      durationMs: reply.elapsedTime,
      upstreamCalls: context?.upstreamCalls.count ?? 0,
      errorCodes,
      outcome:
        request.callerGone?.aborted && refusedByNode === undefined
          ? 'abandoned'
          : outcomeOf(status, errorCodes, facts?.hasData ?? false),
    };
    for (const listener of listeners) listener(summary, request);
  };

  app.addHook('onRequest', (request, reply, done) => {
    if (!request.graphql) return done();
    const progress: Progress = { answerReady: false, summarized: false };
    progressByRequest.set(request, progress);
    // callerGone is aborted by the HTTP server's own 'close' listener, added
    // in its onRequest hook, which runs first. Until the answer is ready,
    // onSend summarizes instead. The response's 'close', not the signal's
    // 'abort': on Node 20 a listener left on the signal for the whole request
    // kept the request (context, records, result) alive through scavenges,
    // on Node's AbortSignal and on YoungAbortSignal alike: 19 KB promoted
    // per customer page against 4 KB (`bench/profile.ts`; bench/README.md).
    reply.raw.once('close', () => {
      if (progress.answerReady && request.callerGone?.aborted) summarize(request, reply, progress);
    });
    done();
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const progress = progressByRequest.get(request);
    if (progress === undefined) return done(null, payload);
    // Refused before the operation ran (before a context existed, or shed
    // after): the codes are only in the answer. Such answers are small;
    // anything large came from an operation and is skipped.
    const context = request.gatewayContext;
    const ran = context !== null && factsByRequest.has(context.upstreamCalls);
    if (!ran && typeof payload === 'string' && payload.length < 64 * 1024) {
      progress.refusalCodes = codesInBody(payload);
    }
    progress.answerReady = true;
    if (request.callerGone?.aborted) summarize(request, reply, progress);
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const progress = progressByRequest.get(request);
    if (progress !== undefined) summarize(request, reply, progress);
    done();
  });
}

function outcomeOf(status: number, errorCodes: string[], hasData: boolean): RequestOutcome {
  if (status >= 500) return 'error';
  if (status >= 400) return 'rejected';
  if (errorCodes.length === 0) return 'ok';
  return hasData ? 'partial' : 'error';
}

function codesOf(errors: readonly { extensions?: Record<string, unknown> }[] | undefined) {
  const codes = new Set<string>();
  for (const error of errors ?? []) {
    const code = error.extensions?.['code'];
    codes.add(typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR');
  }
  return [...codes];
}

function codesInBody(body: string): string[] {
  try {
    const parsed: unknown = JSON.parse(body);
    const errors = (parsed as { errors?: unknown } | null)?.errors;
    return Array.isArray(errors) ? codesOf(errors) : [];
  } catch {
    return [];
  }
}
