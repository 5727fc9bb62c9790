import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/simulator/index.js';
import { startTracing } from '../../src/tracing.js';
import { startHarness, type Harness } from '../helpers/harness.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
}

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SERVER = 2;
const CLIENT = 3;

describe('OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  let collector: Server;
  let received: { path: string; body: any }[];
  let harness: Harness;
  let stopTracing: () => Promise<void>;

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
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    stopTracing = startTracing({ endpoint, serviceName: 'gateway-under-test' });
    harness = await startHarness({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, METRICS_OPERATION_NAMES: 'Traced' },
    });
  });
  afterAll(async () => {
    await harness.close();
    await new Promise((resolve) => collector.close(resolve));
  });

  it("exports a server span in the caller's trace, parent of the upstream call's span", async () => {
    // node:http, not undici: undici's own instrumentation would replace the caller's traceparent.
    const reply = await postWithNodeHttp(
      `${harness.url}/graphql`,
      JSON.stringify({
        query: 'query Traced($id: ID!) { account(id: $id) { id } }',
        variables: { id: FIXTURES.accountExactAmounts },
      }),
      { traceparent: `00-${CALLER_TRACE}-00f067aa0ba902b7-01` },
    );
    expect(JSON.parse(reply).errors).toBeUndefined();
    const invented = await harness.execute('query Invented { __typename }');
    expect(invented.errors).toBeUndefined();
    await stopTracing();

    expect(received.map((r) => r.path)).toContain('/v1/traces');
    const spans: OtlpSpan[] = received.flatMap((r) =>
      r.body.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)),
    );
    const resource = received[0]!.body.resourceSpans[0].resource.attributes;
    expect(resource).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'gateway-under-test' },
    });

    // A name outside METRICS_OPERATION_NAMES stays out of span names too.
    const other = spans.find(
      (span) => span.kind === SERVER && span.name !== 'POST /graphql Traced',
    );
    expect(other?.name).toBe('POST /graphql (other)');
    expect(other!.attributes).toContainEqual({
      key: 'graphql.operation.name',
      value: { stringValue: 'Invented' },
    });

    const server = spans.find((span) => span.name === 'POST /graphql Traced');
    expect(server).toMatchObject({ name: 'POST /graphql Traced', traceId: CALLER_TRACE });
    expect(server!.parentSpanId).toBe('00f067aa0ba902b7');
    expect(server!.attributes).toContainEqual({
      key: 'graphql.operation.name',
      value: { stringValue: 'Traced' },
    });

    const upstream = spans.filter(
      (span) =>
        span.kind === CLIENT &&
        span.attributes.some(
          (a) => a.key === 'url.template' && a.value.stringValue === '/account/v3/{id}',
        ),
    );
    expect(upstream).toHaveLength(1);
    expect(upstream[0]).toMatchObject({
      name: 'GET',
      traceId: CALLER_TRACE,
      parentSpanId: server!.spanId,
    });

    // Neither the account id nor the caller's audit user reaches the span.
    const upstreamAttributes = JSON.stringify(upstream[0]!.attributes);
    expect(upstreamAttributes).not.toContain(FIXTURES.accountExactAmounts);
    expect(upstreamAttributes).not.toContain('auditUser');
    expect(upstream[0]!.attributes).toContainEqual({
      key: 'url.full',
      value: { stringValue: `${harness.simulator.url}/account/v3/{id}` },
    });

    // The issuer receives the trace context with the call.
    const [call] = harness.simulator.log.entries('account');
    expect(call!.headers.traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-01$`));
    // No credential travels in span attributes.
    expect(JSON.stringify(spans)).not.toContain(harness.simulator.password);
    expect(JSON.stringify(spans)).not.toContain('Basic ');
  });
});

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
