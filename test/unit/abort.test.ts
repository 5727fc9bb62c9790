import { execFileSync } from 'node:child_process';
import { once, setMaxListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { YoungAbortController } from '../../src/abort.js';

describe('YoungAbortController', () => {
  it('aborts once, telling onabort and every listener, with the reason given', () => {
    const controller = new YoungAbortController();
    const { signal } = controller;
    const heard: string[] = [];
    signal.onabort = (event) => heard.push(`onabort ${event.type}`);
    signal.addEventListener('abort', () => heard.push('listener'));
    signal.addEventListener('abort', () => heard.push('once'), { once: true });
    expect(signal.aborted).toBe(false);
    expect(() => signal.throwIfAborted()).not.toThrow();

    const reason = new Error('caller left');
    controller.abort(reason);
    controller.abort(new Error('again'));

    expect(heard).toEqual(['onabort abort', 'listener', 'once']);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(() => signal.throwIfAborted()).toThrow(reason);
  });

  it('aborts with an AbortError when no reason is given', () => {
    const controller = new YoungAbortController();
    controller.abort();
    expect(controller.signal.reason).toBeInstanceOf(DOMException);
    expect((controller.signal.reason as DOMException).name).toBe('AbortError');
  });

  it("cuts off an undici request on its way, with the signal's reason", async () => {
    const server = createServer(() => undefined); // never answers
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const controller = new YoungAbortController();
      setMaxListeners(0, controller.signal);
      const pending = request(`http://127.0.0.1:${port}/`, { signal: controller.signal });
      const reason = new Error('deadline');
      setTimeout(() => controller.abort(reason), 20);
      await expect(pending).rejects.toBe(reason);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('is collected young with what listens to it, where an AbortSignal is promoted', () => {
    // Two young-generation collections after 2000 signals, each with a
    // listener holding about 1 KB: what reached the old generation, in MB.
    const script = `
      const { YoungAbortController } = await import(${JSON.stringify(fileURLToPath(new URL('../../src/abort.ts', import.meta.url)))});
      const { getHeapSpaceStatistics } = await import('node:v8');
      const oldSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
      gc();
      const before = oldSpace();
      for (let i = 0; i < 2000; i++) {
        const held = new Array(100).fill(i);
        new YoungAbortController().signal.addEventListener('abort', () => held.length);
      }
      gc({ type: 'minor' });
      gc({ type: 'minor' });
      process.stdout.write(String((oldSpace() - before) / 1e6));
    `;
    const promotedMb = Number(
      execFileSync(
        process.execPath,
        ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script],
        { encoding: 'utf8' },
      ),
    );
    // Node 20's AbortController: about 1.8 MB.
    expect(promotedMb).toBeLessThan(0.3);
  });
});
