/**
 * OpenTelemetry tracing, loaded by a dynamic import only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, so a gateway without it never loads
 * the SDK. Spans go to the collector over OTLP/HTTP (JSON); the gateway
 * makes its own spans (observability/spans.ts), so no library is instrumented.
 *
 * A tracer provider and one exporter, not the whole Node SDK: the SDK brings
 * every exporter, metrics and logs with it (over 200 MB of production
 * dependencies), for traces over one protocol.
 */
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
  type ResourceDetector,
} from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TracingOptions {
  /** The collector's base URL; spans are posted to `${endpoint}/v1/traces`. */
  endpoint: string;
  serviceName: string;
  /** Told when the SDK reports an error, such as spans the collector did not take. */
  onError: () => void;
}

// The process detector puts the whole command line on every span batch, and
// a deployment may pass a secret on it (`--password=...`).
const processWithoutCommandLine: ResourceDetector = {
  detect(config) {
    const { 'process.command_args': _commandLine, ...attributes } =
      processDetector.detect(config).attributes ?? {};
    return { attributes };
  },
};

/**
 * Registers the tracer provider (W3C trace context and baggage, context in
 * AsyncLocalStorage); the returned function flushes pending spans and stops it.
 */
export function startTracing({
  endpoint,
  serviceName,
  onError,
}: TracingOptions): () => Promise<void> {
  // The SDK reports a failed export through its global error handler, which
  // writes to `diag`: to nothing unless a logger is set. Errors only, and
  // without their text: an exporter's message may quote the collector's answer.
  const quiet = () => {};
  diag.setLogger(
    { error: onError, warn: quiet, info: quiet, debug: quiet, verbose: quiet },
    DiagLogLevel.ERROR,
  );
  const resource = defaultResource()
    // OTEL_RESOURCE_ATTRIBUTES still adds attributes (the env detector).
    .merge(detectResources({ detectors: [envDetector, processWithoutCommandLine, hostDetector] }))
    .merge(resourceFromAttributes({ 'service.name': serviceName }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor(
        new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }),
      ),
    ],
  });
  provider.register();
  return () => provider.shutdown();
}
