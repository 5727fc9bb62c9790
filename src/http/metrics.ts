import { Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per gateway, so tests and cluster workers never share counters. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
