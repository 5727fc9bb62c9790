/**
 * A server span per GraphQL request, parent of a client span per upstream
 * call. Registered only when tracing is on. The span's context is entered in
 * `preValidation`, after the body has been read: context entered earlier is
 * lost across the body stream's events.
 */
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UpstreamTracer } from '../upstream/client.js';
import type { SummaryListener } from './requestSummary.js';

const TRACER = 'enfuce-graphql-gateway';

const spans = new WeakMap<FastifyRequest, Span>();

/**
 * `operationLabel` bounds the operation names in span names as in metric
 * labels: a backend that derives metrics from span names must not be flooded
 * by names a caller invents. The attribute keeps the name as sent.
 */
export function traceRequests(
  app: FastifyInstance,
  operationLabel: (name: string) => string,
): SummaryListener {
  const tracer = trace.getTracer(TRACER);

  app.addHook('onRequest', (request, _reply, done) => {
    if (!request.graphql) return done();
    // A caller's `traceparent` makes this span part of the caller's trace.
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer.startSpan(
      `${request.method} /graphql`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'http.route': '/graphql',
          'url.scheme': request.protocol,
          'url.path': '/graphql',
          'network.protocol.version': request.raw.httpVersion,
          'gateway.request_id': request.id,
        },
      },
      parent,
    );
    spans.set(request, span);
    request.traceId = span.spanContext().traceId;
    done();
  });

  app.addHook('preValidation', (request, _reply, done) => {
    const span = spans.get(request);
    if (span === undefined) return done();
    context.with(trace.setSpan(context.active(), span), done);
  });

  return (summary, request) => {
    const span = spans.get(request);
    if (span === undefined) return;
    if (summary.operationName) {
      span.updateName(`${request.method} /graphql ${operationLabel(summary.operationName)}`);
      span.setAttribute('graphql.operation.name', summary.operationName);
    }
    span.setAttributes({
      'http.response.status_code': summary.status,
      'gateway.outcome': summary.outcome,
      'gateway.upstream_calls': summary.upstreamCalls,
    });
    if (summary.errorCodes.length > 0) {
      span.setAttribute('gateway.error_codes', summary.errorCodes);
    }
    if (summary.outcome === 'error') {
      span.setAttribute('error.type', summary.errorCodes[0] ?? String(summary.status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
}

/**
 * A client span per upstream attempt (retries included), child of the
 * request's span, with `traceparent` sent to the issuer. Spans name the
 * route template (`GET /account/v4/{id}`), never the path or query with its
 * ids and the caller's auditUser: like metrics and logs, they name the route,
 * never the record or the person.
 */
export function traceUpstream(baseUrl: string): UpstreamTracer {
  const tracer = trace.getTracer(TRACER);
  const base = new URL(baseUrl);
  const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const port = Number(base.port) || (base.protocol === 'https:' ? 443 : 80);
  return {
    startAttempt(endpoint, headers) {
      const span = tracer.startSpan(`GET ${endpoint}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': 'GET',
          'url.template': endpoint,
          'url.full': `${root}${endpoint}`,
          'server.address': base.hostname,
          'server.port': port,
        },
      });
      propagation.inject(trace.setSpan(context.active(), span), headers);
      return ({ status, error }) => {
        if (status !== undefined) span.setAttribute('http.response.status_code', status);
        if (error !== undefined) {
          span.setAttribute('error.type', error.code);
          span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        }
        span.end();
      };
    },
  };
}
