/**
 * The upstream client's one GET (src/upstream/exchange.ts) against a real
 * HTTP server on loopback: how the body is gathered, what is discarded, and
 * what the caller's signal stops.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyNotUtf8Error, exchange, type Exchange } from '../../src/upstream/exchange.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server | undefined;
let pool: Pool | undefined;
/** Requests the server received, and connections it accepted. */
const seen = { requests: [] as string[], connections: 0 };

async function serve(handler: Handler, connections = 4): Promise<Pool> {
  seen.requests = [];
  seen.connections = 0;
  server = createServer((request, response) => {
    seen.requests.push(request.url ?? '');
    handler(request, response);
  });
  server.on('connection', () => void seen.connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  pool = new Pool(`http://127.0.0.1:${port}`, { connections });
  return pool;
}

afterEach(async () => {
  await pool?.destroy();
  server?.closeAllConnections();
  server?.close();
  pool = undefined;
  server = undefined;
});

const call = (signal = new AbortController().signal, path = '/a'): Exchange => ({
  origin: 'http://issuer.test',
  path,
  headers: { accept: 'application/json' },
  signal,
  keepBody: (status) => status === 200,
  discardLimit: 128 * 1024,
});

const later = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('exchange', () => {
  it('reads a 200 body that came in several chunks whole, a character split between two included, and drops a byte order mark', async () => {
    const body = Buffer.from('\uFEFF{"name":"Bjärnå","balance":1234.50}');
    const split = body.indexOf(Buffer.from('ä')) + 1;
    const dispatcher = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(body.subarray(0, split));
      setTimeout(() => response.end(body.subarray(split)), 10);
    });
    const answer = await exchange(dispatcher, call());
    expect(answer).toMatchObject({ status: 200, text: '{"name":"Bjärnå","balance":1234.50}' });
    expect(answer.bodyError).toBeUndefined();
    expect(answer.headers['content-type']).toBe('application/json');
  });

  it('hands over a kept body that is not UTF-8 as BodyNotUtf8Error, without text', async () => {
    const dispatcher = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json; charset=ISO-8859-1' });
      response.end(Buffer.from('{"name":"Müller"}', 'latin1'));
    });
    const answer = await exchange(dispatcher, call());
    expect(answer.status).toBe(200);
    expect(answer.text).toBeUndefined();
    expect(answer.bodyError).toBeInstanceOf(BodyNotUtf8Error);
  });

  it('reads a short discarded body to its end, so the next call reuses the connection', async () => {
    const dispatcher = await serve((_request, response) => {
      response.writeHead(503, { 'retry-after': '3' });
      response.end('{"status":503,"detail":"down for maintenance"}');
    }, 1);
    const first = await exchange(dispatcher, call());
    expect(first).toMatchObject({ status: 503, text: undefined });
    expect(first.headers['retry-after']).toBe('3');
    expect((await exchange(dispatcher, call())).status).toBe(503);
    expect(seen.connections).toBe(1);
  });

  it('stops reading a discarded body past the limit and closes its connection', async () => {
    let sent = 0;
    let closed = false;
    const dispatcher = await serve((_request, response) => {
      response.writeHead(500, { 'content-type': 'text/html' });
      response.on('close', () => void (closed = true));
      const more = () => {
        if (response.destroyed) return;
        sent += 64 * 1024;
        response.write(Buffer.alloc(64 * 1024, 'x'), () => setImmediate(more));
      };
      more();
    });
    const answer = await exchange(dispatcher, call());
    expect(answer).toMatchObject({ status: 500, text: undefined });
    await expect.poll(() => closed).toBe(true);
    // Not read on to the issuer's end (there is none): a few chunks past the limit at most.
    expect(sent).toBeLessThan(2 * 1024 * 1024);
  });

  it('hands over a failure after the headers of a kept body as bodyError, with the status', async () => {
    const dispatcher = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"id":');
      setTimeout(() => response.destroy(), 10);
    });
    const answer = await exchange(dispatcher, call());
    expect(answer.status).toBe(200);
    expect(answer.text).toBeUndefined();
    expect(answer.bodyError).toBeInstanceOf(Error);
  });

  it('rejects with the transport error when no answer arrived', async () => {
    const dispatcher = await serve((request) => request.socket.destroy());
    const error = await exchange(dispatcher, call()).catch((reason: unknown) => reason);
    expect((error as { code?: string }).code).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
  });

  it('makes no call when the signal has already aborted', async () => {
    const dispatcher = await serve((_request, response) => response.end('{}'));
    const caller = new AbortController();
    const reason = new Error('gone');
    caller.abort(reason);
    await expect(exchange(dispatcher, call(caller.signal))).rejects.toBe(reason);
    await later();
    expect(seen.requests).toEqual([]);
  });

  it('takes a call still waiting for a connection off the queue when its signal aborts: it is never sent', async () => {
    const held: ServerResponse[] = [];
    const dispatcher = await serve((_request, response) => void held.push(response), 1);
    const first = exchange(dispatcher, call(undefined, '/first'));
    await expect.poll(() => held.length).toBe(1);
    const caller = new AbortController();
    const queued = exchange(dispatcher, call(caller.signal, '/queued'));
    const reason = new Error('gone');
    caller.abort(reason);
    held[0]!.end('{}');
    await expect(queued).rejects.toBe(reason);
    expect((await first).text).toBe('{}');
    await later();
    expect(seen.requests).toEqual(['/first']);
  });

  it('cuts a body off when the signal aborts midway: bodyError is its reason', async () => {
    const dispatcher = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"id":');
    });
    const caller = new AbortController();
    const pending = exchange(dispatcher, call(caller.signal));
    await expect.poll(() => seen.requests.length).toBe(1);
    await later();
    const reason = new Error('gone');
    caller.abort(reason);
    const answer = await pending;
    expect(answer).toMatchObject({ status: 200, text: undefined });
    expect(answer.bodyError).toBe(reason);
  });
});
