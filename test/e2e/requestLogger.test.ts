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
      throw Object.assign(new TypeError('the handler failed'), {
        code: 'ERR_TEST',
        authorization: SECRET,
        input: '/graphql?query=CANARY',
      });
    });
    app.get('/logs', async (request) => {
      request.log.warn({ upstream: { authorization: SECRET } }, 'something to say');
      return { status: 'ok' };
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
    const reply = await request(`${url}/logs`, { headers: { 'x-request-id': 'logs-1' } });
    expect(await reply.body.json()).toEqual({ status: 'ok' });

    expect(child).toHaveBeenCalledTimes(1);
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0]!)).toMatchObject({
      level: 40,
      reqId: 'logs-1',
      msg: 'something to say',
      upstream: { authorization: '[redacted]' },
    });
    expect(written[0]).not.toContain('CANARY');
  });

  it("logs an unexpected error's class, message, stack and code, none of its other properties", async () => {
    const reply = await request(`${url}/fails`, { headers: { 'x-request-id': 'fails-1' } });
    expect(reply.statusCode).toBe(500);
    await reply.body.dump();

    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0]!)).toEqual({
      level: 50,
      time: expect.any(Number),
      pid: process.pid,
      hostname: expect.any(String),
      reqId: 'fails-1',
      msg: 'unexpected HTTP error',
      err: {
        type: 'TypeError',
        message: 'the handler failed',
        stack: expect.stringMatching(/^TypeError: the handler failed\n/),
        code: 'ERR_TEST',
      },
    });
    expect(written[0]).not.toContain('CANARY');
  });
});
