/**
 * OpenTelemetry tracing, loaded by a dynamic import only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, so a gateway without it never loads
 * the SDK. Spans go to the collector over OTLP/HTTP (JSON); undici's
 * instrumentation adds a client span per upstream call and sends
 * `traceparent` to the issuer.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { routeTemplate } from './upstream/client.js';

export interface TracingOptions {
  /** The collector's base URL; spans are posted to `${endpoint}/v1/traces`. */
  endpoint: string;
  serviceName: string;
}

/** Starts the SDK; the returned function flushes pending spans and stops it. */
export function startTracing({ endpoint, serviceName }: TracingOptions): () => Promise<void> {
  const sdk = new NodeSDK({
    serviceName,
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }),
    instrumentations: [
      new UndiciInstrumentation({
        // Spans are named by method; the template lets a backend group them.
        // It also replaces undici's path, query and full URL, which carry
        // issuer ids and the caller's auditUser: spans, like metrics and
        // logs, name the route and never the record or the person.
        startSpanHook: (request) => {
          const template = routeTemplate(request.path);
          return {
            'url.template': template,
            'url.path': template,
            'url.query': '',
            'url.full': `${request.origin}${template}`,
          };
        },
      }),
    ],
    // Traces only: logs go to stdout, metrics to /metrics.
    logRecordProcessors: [],
  });
  sdk.start();
  return () => sdk.shutdown();
}
