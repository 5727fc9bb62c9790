import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('resilience configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({}).upstream).toMatchObject({
      timeoutMs: 10_000,
      retries: 2,
      retryBackoffMs: 100,
      retryBackoffMaxMs: 1000,
      maxConnections: 32,
      queueSize: 256,
      breakerThreshold: 5,
      breakerHalfOpenMs: 5000,
      maxResponseBytes: 5 * 1024 * 1024,
      maxCallsPerOperation: 200,
    });
  });

  it('reads every knob', () => {
    const { upstream } = loadConfig({
      ENFUCE_RETRIES: '0',
      ENFUCE_RETRY_BACKOFF_MS: '7',
      ENFUCE_RETRY_BACKOFF_MAX_MS: '70',
      ENFUCE_MAX_CONNECTIONS: '4',
      ENFUCE_QUEUE_SIZE: '0',
      ENFUCE_BREAKER_THRESHOLD: '3',
      ENFUCE_BREAKER_HALF_OPEN_MS: '250',
      ENFUCE_MAX_RESPONSE_BYTES: '65536',
      MAX_UPSTREAM_CALLS_PER_OPERATION: '9',
    });
    expect(upstream).toMatchObject({
      retries: 0,
      retryBackoffMs: 7,
      retryBackoffMaxMs: 70,
      maxConnections: 4,
      queueSize: 0,
      breakerThreshold: 3,
      breakerHalfOpenMs: 250,
      maxResponseBytes: 65536,
      maxCallsPerOperation: 9,
    });
  });

  it.each([
    ['ENFUCE_RETRIES', '11'],
    ['ENFUCE_MAX_CONNECTIONS', '0'],
    ['ENFUCE_QUEUE_SIZE', '-1'],
    ['ENFUCE_BREAKER_THRESHOLD', 'five'],
    ['ENFUCE_MAX_RESPONSE_BYTES', '10'],
    ['MAX_UPSTREAM_CALLS_PER_OPERATION', '0'],
  ])('refuses %s=%s with one line naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name} `));
  });
});
