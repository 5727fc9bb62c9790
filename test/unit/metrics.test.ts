import perfHooks from 'node:perf_hooks';
import { describe, expect, it, vi } from 'vitest';
import { createGatewayMetrics } from '../../src/observability/metrics.js';
import { recordUpstream } from '../../src/observability/recordMetrics.js';
import {
  UpstreamCallCancelledError,
  UpstreamResponseError,
  type UpstreamError,
} from '../../src/upstream/errors.js';

describe('operation labels', () => {
  it('keep the first names, then fold new ones into (other)', () => {
    const metrics = createGatewayMetrics({ maxOperationNames: 3 });
    expect(['A', 'B', 'C', 'D', 'A', 'E', 'C'].map((n) => metrics.operationLabel(n))).toEqual([
      'A',
      'B',
      'C',
      '(other)',
      'A',
      '(other)',
      'C',
    ]);
  });

  it('keep only the listed names when a list is given, even before the list is used up', () => {
    const metrics = createGatewayMetrics({ operationNames: ['A', 'B'] });
    expect(['X', 'A', 'Y', 'B'].map((n) => metrics.operationLabel(n))).toEqual([
      '(other)',
      'A',
      '(other)',
      'B',
    ]);
    expect(metrics.operationLabel(null)).toBe('(anonymous)');
  });

  it('give fixed values to anonymous, unresolved and malformed names', () => {
    const metrics = createGatewayMetrics();
    expect(metrics.operationLabel(null)).toBe('(anonymous)');
    expect(metrics.operationLabel('')).toBe('(anonymous)');
    expect(metrics.operationLabel(undefined)).toBe('(none)');
    expect(metrics.operationLabel('not a name')).toBe('(other)');
    expect(metrics.operationLabel('x'.repeat(101))).toBe('(other)');
  });

  it('give a request cut at the default 30 s deadline a bucket below +Inf', async () => {
    const metrics = createGatewayMetrics();
    metrics.requestDuration.observe({ operation: '(anonymous)', outcome: 'partial' }, 30.02);
    const text = await metrics.registry.metrics();
    const bucket = (le: string) =>
      text.match(
        new RegExp(`gateway_graphql_request_duration_seconds_bucket\\{le="${le}",[^}]*\\} (\\d+)`),
      )?.[1];
    expect([bucket('30'), bucket('60'), bucket('\\+Inf')]).toEqual(['0', '1', '1']);
  });

  it('bound the series however many names arrive', async () => {
    const metrics = createGatewayMetrics({ maxOperationNames: 10 });
    for (let i = 0; i < 1000; i++) {
      metrics.requestDuration.observe(
        { operation: metrics.operationLabel(`Op${i}`), outcome: 'ok' },
        0.01,
      );
    }
    const text = await metrics.registry.metrics();
    const series = text
      .split('\n')
      .filter((line) => line.startsWith('gateway_graphql_request_duration_seconds_count'));
    expect(series).toHaveLength(11);
  });
});

describe('default process metrics', () => {
  it('are reported by every registry', async () => {
    for (const metrics of [createGatewayMetrics(), createGatewayMetrics()]) {
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
      expect(text).toContain('# TYPE nodejs_gc_duration_seconds histogram');
    }
  });

  it('start at most one event-loop monitor, however many gateways there are', () => {
    const monitors = vi.spyOn(perfHooks, 'monitorEventLoopDelay');
    const registries = Array.from({ length: 20 }, () => createGatewayMetrics().registry);
    expect(monitors.mock.calls.length).toBeLessThanOrEqual(1);
    monitors.mockRestore();
    const lag = new Set(registries.map((r) => r.getSingleMetric('nodejs_eventloop_lag_seconds')));
    expect(lag.size).toBe(1);
    expect([...lag][0]).toBeDefined();
  });
});

describe('upstream call labels', () => {
  it('label a call cut off by its caller as cancelled, even after a 200 began', async () => {
    const metrics = createGatewayMetrics();
    const observe = recordUpstream(metrics);
    const scope = { auditUser: 'a' };
    const endpoint = '/account/v4/{id}';
    const attempt = (status: number | undefined, error: UpstreamError) =>
      observe({ endpoint, status, durationMs: 1, error, unreadable: [] }, scope);
    attempt(200, new UpstreamCallCancelledError());
    attempt(undefined, new UpstreamCallCancelledError());
    attempt(200, new UpstreamResponseError('x'));
    const { values } = await metrics.upstreamCalls.get();
    const byStatus = Object.fromEntries(values.map((v) => [v.labels.status, v.value]));
    expect(byStatus).toEqual({ cancelled: 2, unusable: 1 });
  });
});
