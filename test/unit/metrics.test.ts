import { describe, expect, it } from 'vitest';
import { createGatewayMetrics } from '../../src/http/metrics.js';

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

  it('give fixed values to anonymous, unresolved and malformed names', () => {
    const metrics = createGatewayMetrics();
    expect(metrics.operationLabel(null)).toBe('(anonymous)');
    expect(metrics.operationLabel('')).toBe('(anonymous)');
    expect(metrics.operationLabel(undefined)).toBe('(none)');
    expect(metrics.operationLabel('not a name')).toBe('(other)');
    expect(metrics.operationLabel('x'.repeat(101))).toBe('(other)');
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
