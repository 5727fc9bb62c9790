import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';

const SECRET = 'Bearer CANARY-request-logger';

describe("fastify's per-request logger", () => {
  const written: string[] = [];
  const logger = createLogger('info', false, { write: (line: string) => void written.push(line) });
  let app: FastifyInstance;
  let url: string;
  const child = vi.spyOn(logger, 'child');

  beforeAll(async () => {
    app = await createHttpServer({ metrics: new Registry(), logger, isReady: () => true });
    app.get('/fails', async () => {
      throw Object.assign(new Error('the handler failed'), { authorization: SECRET });
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => app.close());
  beforeEach(() => {
    written.length = 0;
    child.mockClear();
  });

  it('is not made for a request that logs nothing', async () => {
    for (let i = 0; i < 3; i++) {
      const reply = await request(`${url}/health/live`);
      expect(await reply.body.json()).toEqual({ status: 'ok' });
    }
    expect(child).not.toHaveBeenCalled();
    expect(written).toEqual([]);
  });

  it('logs with the request id and redaction once something logs through it', async () => {
    const reply = await request(`${url}/fails`, { headers: { 'x-request-id': 'fails-1' } });
    expect(reply.statusCode).toBe(500);
    await reply.body.dump();

    expect(child).toHaveBeenCalledTimes(1);
    expect(written).toHaveLength(1);
    const line = JSON.parse(written[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 50,
      reqId: 'fails-1',
      msg: 'unexpected HTTP error',
      err: { message: 'the handler failed' },
    });
    expect(written[0]).not.toContain('CANARY');
    expect(written[0]).toContain('[redacted]');
  });
});
