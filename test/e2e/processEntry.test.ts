/**
 * The process entry (src/index.ts) where only a real process shows it: an
 * address it cannot listen on is one line and exit 1, and a tracing collector
 * that fails at shutdown does not fail a shutdown that answered everything.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/simulator/index.js';
import { refusedPort } from '../helpers/refusedPort.js';
import {
  spawnGateway,
  spawnGatewayUntilExit,
  start,
  type SpawnedGateway,
} from '../helpers/spawnGateway.js';

/** One traced request answered, then SIGTERM: the process must exit 0. */
async function answerOneThenStop(gateway: SpawnedGateway): Promise<void> {
  try {
    const reply = await gateway.post({
      query: 'query Traced($id: ID!) { account(id: $id) { id } }',
      variables: { id: FIXTURES.accountExactAmounts },
    });
    expect(reply.json.data.account.id).toBe(FIXTURES.accountExactAmounts);
    gateway.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  } finally {
    // Never left running when the test fails (a no-op once it has exited).
    gateway.kill('SIGKILL');
  }
}

describe('the process entry', () => {
  it.each([
    ['a port in use', 'taken', /^Configuration error: PORT \d+ is already in use$/],
    // EINVAL here; a machine without IPv6 may refuse it another way.
    ['a link-local address without a zone', 'fe80::1', /^Configuration error: HOST fe80::1 /],
  ])('exits 1 with one line for %s', async (_name, host, line) => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const env: Record<string, string> =
        host === 'taken' ? { PORT: String(port) } : { HOST: host };
      const exited = await spawnGatewayUntilExit(env);
      expect(exited.code).toBe(1);
      expect(exited.stderr.trim().split('\n')).toEqual([expect.stringMatching(line)]);
    } finally {
      taken.close();
    }
  });

  it('ends a start that a signal interrupts with 0, not killed by the signal', async () => {
    const { child, output } = start({ LOG_LEVEL: 'info' });
    const exited = once(child, 'exit');
    // As soon as the built-in simulator listens, before the gateway does.
    child.stdout!.on('data', () => {
      if (output().includes('built-in Enfuce simulator listening')) child.kill('SIGTERM');
    });
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // Almost always before it listens; on a slow machine the drain may take it after.
    expect(output()).toMatch(/"msg":"(stopped before listening|stopped)"/);
  });

  it('says so while it runs when the tracing collector does not take spans', async () => {
    const collector = `http://127.0.0.1:${await refusedPort()}`;
    const gateway = await spawnGateway({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector,
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    try {
      await gateway.post({ query: '{ __typename }' });
      await expect
        .poll(() => gateway.output(), { timeout: 10_000 })
        .toContain('the tracing SDK reported an error: spans may be lost');
      // One line, however many exports fail within ten seconds; never the collector's address.
      const lines = gateway.output().split('\n');
      expect(lines.filter((line) => line.includes('spans may be lost'))).toHaveLength(1);
      expect(gateway.output()).not.toContain(collector);
    } finally {
      await gateway.close();
    }
  });

  it('stops with 0 when the tracing collector cannot take the last spans', async () => {
    const collector = `http://127.0.0.1:${await refusedPort()}`;
    const gateway = await spawnGateway({ OTEL_EXPORTER_OTLP_ENDPOINT: collector });
    await answerOneThenStop(gateway);
    expect(gateway.output()).toContain('could not send the last spans');
    // The exporter's message names the collector, and may quote its answer.
    expect(gateway.output()).toMatch(
      /"reason":"ECONNREFUSED","msg":"could not send the last spans"/,
    );
    expect(gateway.output()).not.toContain(new URL(collector).host);
    expect(gateway.output()).toContain('"msg":"stopped"');
  });

  it('stops with 0 within the grace period when the collector never answers', async () => {
    // Takes the connection and the spans, and never answers.
    const held = new Set<Socket>();
    const collector = createServer((socket) => {
      held.add(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    try {
      const gateway = await spawnGateway({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        SHUTDOWN_GRACE_MS: '4000',
      });
      await answerOneThenStop(gateway);
      expect(held.size).toBeGreaterThan(0);
      expect(gateway.output()).toContain(
        '"reason":"TimeoutError","msg":"could not send the last spans"',
      );
      expect(gateway.output()).toContain('"msg":"stopped"');
      expect(gateway.output()).not.toContain(
        'requests still open at the end of the grace period were cut off',
      );
    } finally {
      for (const socket of held) socket.destroy();
      collector.close();
    }
  });
});
