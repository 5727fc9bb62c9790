/**
 * OpenTelemetry tracing, loaded by a dynamic import only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, so a gateway without it never loads
 * the SDK. Spans go to the collector over OTLP/HTTP (JSON); the gateway
 * makes its own spans (observability/spans.ts), so no library is instrumented.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK, resources } from '@opentelemetry/sdk-node';

const { envDetector, hostDetector, processDetector } = resources;

// The SDK's process detector puts the whole command line on every span
// batch, and a deployment may pass a secret on it (`--password=...`).
const processWithoutCommandLine: resources.ResourceDetector = {
  detect(config) {
    const { 'process.command_args': _commandLine, ...attributes } =
      processDetector.detect(config).attributes ?? {};
    return { attributes };
  },
};

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
    // Upstream client spans come from EnfuceClient's tracer: undici's
    // instrumentation takes a span's parent from whichever call frees a
    // pooled socket, which for a call that waited is another request.
    instrumentations: [],
    // OTEL_RESOURCE_ATTRIBUTES still adds attributes (the env detector).
    resourceDetectors: [envDetector, processWithoutCommandLine, hostDetector],
    // Traces only: logs go to stdout, metrics to /metrics.
    logRecordProcessors: [],
  });
  sdk.start();
  return () => sdk.shutdown();
}
