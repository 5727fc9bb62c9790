import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace, type ProxyTracerProvider } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FIXTURES } from '../../src/simulator/index.js';
import { startTracing } from '../../src/observability/tracing.js';
import { startHarness, type Harness } from '../helpers/harness.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number; message?: string };
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
}

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SERVER = 2;
const CLIENT = 3;

describe('OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  let collector: Server;
  let received: { path: string; body: any }[];
  /** Every span the collector has received, after exporting those still pending. */
  async function exportedSpans(): Promise<OtlpSpan[]> {
    const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate();
    await (provider as unknown as { forceFlush(): Promise<void> }).forceFlush();
    return received.flatMap((r) =>
      r.body.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)),
    );
  }
  let harness: Harness;
  let stopTracing: () => Promise<void>;
  /** Errors the SDK reported: none, with a collector that takes every span. */
  let sdkErrors = 0;
  let endpoint: string;
  const logLines: { msg: string; operation?: string; traceId?: string }[] = [];

  beforeAll(async () => {
    received = [];
    collector = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(body) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    stopTracing = startTracing({
      endpoint,
      serviceName: 'gateway-under-test',
      onError: () => sdkErrors++,
    });
    harness = await startHarness({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, METRICS_OPERATION_NAMES: 'Traced' },
      logDestination: { write: (line: string) => void logLines.push(JSON.parse(line)) },
    });
  });
  afterAll(async () => {
    await stopTracing();
    await harness.close();
    await new Promise((resolve) => collector.close(resolve));
  });

  it('keeps an upstream call that waited for a bulkhead slot in its own trace', async () => {
    // One slot (and socket): the second and third calls queue behind the first.
    const queued = await startHarness({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, ENFUCE_MAX_CONNECTIONS: '1' },
    });
    try {
      queued.simulator.faults.add({ route: 'accountV4', latencyMs: 50 });
      const traces = ['1', '2', '3'].map((n) => n.repeat(32));
      const answered = Promise.all(
        traces.map((trace, n) =>
          accountInTrace(queued.url, 'Queued', FIXTURES.accountExactAmounts, trace, {
            'x-request-id': `queued-${n}`,
          }),
        ),
      );
      // Calls did wait for the one slot, for 50 ms or more each.
      await vi.waitFor(
        () => expect(queued.gateway.upstreamPolicy!.state().queued).toBeGreaterThan(0),
        { interval: 2 },
      );
      const replies = await answered;
      expect(replies.map((reply) => JSON.parse(reply).errors)).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      const calls = queued.simulator.log.entries('accountV4');
      expect(calls).toHaveLength(3);
      const traceOf = (call: (typeof calls)[number]) =>
        String(call.headers.traceparent).split('-')[1];
      expect(
        Object.fromEntries(calls.map((call) => [call.headers['x-request-id'], traceOf(call)])),
      ).toEqual({ 'queued-0': traces[0], 'queued-1': traces[1], 'queued-2': traces[2] });
    } finally {
      await queued.close();
    }
  });

  it('gives each attempt its own span, a failed one marked with its code', async () => {
    harness.simulator.faults.add({ route: 'accountV4', status: 503, times: 1 });
    const trace = 'a'.repeat(32);
    const reply = await accountInTrace(
      harness.url,
      'Retried',
      FIXTURES.accountNegativeBalance,
      trace,
    );
    expect(JSON.parse(reply).errors).toBeUndefined();
    // Each attempt went out with its own span's traceparent.
    const sent = harness.simulator.log
      .entries('accountV4')
      .map((call) => String(call.headers.traceparent));
    expect(sent).toHaveLength(2);
    expect(sent.map((header) => header.split('-')[1])).toEqual([trace, trace]);
    expect(new Set(sent).size).toBe(2);
    harness.simulator.log.clear();

    const spans = await exportedSpans();
    const attempts = sent.map((header) =>
      spans.find((span) => span.spanId === header.split('-')[2]),
    );
    expect(attempts.map((span) => span?.status)).toEqual([
      { code: 2, message: expect.any(String) },
      expect.not.objectContaining({ code: 2 }),
    ]);
    expect(attempts[0]!.attributes).toEqual(
      expect.arrayContaining([
        { key: 'http.response.status_code', value: { intValue: 503 } },
        { key: 'error.type', value: { stringValue: 'UPSTREAM_UNAVAILABLE' } },
      ]),
    );
    expect(attempts[1]!.attributes).toContainEqual({
      key: 'http.response.status_code',
      value: { intValue: 200 },
    });
  });

  it("exports a server span in the caller's trace, parent of the upstream call's span", async () => {
    const reply = await accountInTrace(
      harness.url,
      'Traced',
      FIXTURES.accountExactAmounts,
      CALLER_TRACE,
      { tracestate: 'caller=a1, bad entry' },
    );
    expect(JSON.parse(reply).errors).toBeUndefined();
    const invented = await harness.execute('query Invented { __typename }');
    expect(invented.errors).toBeUndefined();
    const spans = await exportedSpans();
    expect(received.map((r) => r.path)).toContain('/v1/traces');
    expect(sdkErrors).toBe(0);
    const resource = received[0]!.body.resourceSpans[0].resource.attributes;
    expect(resource).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'gateway-under-test' },
    });
    const resourceKeys = resource.map((attribute: { key: string }) => attribute.key);
    expect(resourceKeys).toEqual(expect.arrayContaining(['process.pid', 'host.name']));
    expect(resourceKeys).not.toContain('process.command_args');

    // A name outside METRICS_OPERATION_NAMES stays out of span names too.
    const other = spans.find(
      (span) =>
        span.kind === SERVER &&
        span.attributes.some(
          (a) => a.key === 'graphql.operation.name' && a.value.stringValue === 'Invented',
        ),
    );
    expect(other?.name).toBe('POST /graphql (other)');

    const server = spans.find((span) => span.name === 'POST /graphql Traced');
    expect(server).toMatchObject({ name: 'POST /graphql Traced', traceId: CALLER_TRACE });
    expect(server!.parentSpanId).toBe('00f067aa0ba902b7');
    // The request's log line names its trace.
    expect(
      logLines.find((line) => line.msg === 'graphql request' && line.operation === 'Traced'),
    ).toMatchObject({ traceId: CALLER_TRACE });
    expect(server!.attributes).toEqual(
      expect.arrayContaining([
        { key: 'http.request.method', value: { stringValue: 'POST' } },
        { key: 'url.scheme', value: { stringValue: 'http' } },
        { key: 'url.path', value: { stringValue: '/graphql' } },
        { key: 'network.protocol.version', value: { stringValue: '1.1' } },
        { key: 'http.response.status_code', value: { intValue: 200 } },
      ]),
    );
    expect(server!.attributes).toContainEqual({
      key: 'graphql.operation.name',
      value: { stringValue: 'Traced' },
    });

    const upstream = spans.filter(
      (span) =>
        span.kind === CLIENT &&
        span.traceId === CALLER_TRACE &&
        span.attributes.some(
          (a) => a.key === 'url.template' && a.value.stringValue === '/account/v4/{id}',
        ),
    );
    expect(upstream).toHaveLength(1);
    expect(upstream[0]).toMatchObject({
      name: 'GET /account/v4/{id}',
      traceId: CALLER_TRACE,
      parentSpanId: server!.spanId,
    });
    const { port } = new URL(harness.simulator.url);
    expect(upstream[0]!.attributes).toEqual(
      expect.arrayContaining([
        { key: 'http.request.method', value: { stringValue: 'GET' } },
        { key: 'server.address', value: { stringValue: '127.0.0.1' } },
        { key: 'server.port', value: { intValue: Number(port) } },
        { key: 'http.response.status_code', value: { intValue: 200 } },
      ]),
    );

    // Neither the account id nor the caller's audit user reaches the span.
    const upstreamAttributes = JSON.stringify(upstream[0]!.attributes);
    expect(upstreamAttributes).not.toContain(FIXTURES.accountExactAmounts);
    expect(upstreamAttributes).not.toContain('auditUser');
    expect(upstream[0]!.attributes).toContainEqual({
      key: 'url.full',
      value: { stringValue: `${harness.simulator.url}/account/v4/{id}` },
    });

    // The issuer receives the trace context with the call.
    const [call] = harness.simulator.log.entries('accountV4');
    expect(call!.headers.traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-01$`));
    // With the caller's tracestate, as W3C Trace Context asks, its malformed entry dropped.
    expect(call!.headers.tracestate).toBe('caller=a1');
    // No credential travels in span attributes.
    expect(JSON.stringify(spans)).not.toContain(harness.simulator.password);
    expect(JSON.stringify(spans)).not.toContain('Basic ');
  });
});

/** `query <operation> { account(id) { id } }`, sent as a caller in trace `trace` (parent span 00f067aa0ba902b7). */
function accountInTrace(
  gatewayUrl: string,
  operation: string,
  id: string,
  trace: string,
  headers: Record<string, string> = {},
) {
  return postWithNodeHttp(
    `${gatewayUrl}/graphql`,
    JSON.stringify({
      query: `query ${operation}($id: ID!) { account(id: $id) { id } }`,
      variables: { id },
    }),
    { traceparent: `00-${trace}-00f067aa0ba902b7-01`, ...headers },
  );
}

function postWithNodeHttp(url: string, body: string, headers: Record<string, string>) {
  return new Promise<string>((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
