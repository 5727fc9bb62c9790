import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answerClientError, clientErrorStatus } from '../../src/http/clientErrors.js';

/** The server's end of a loopback connection, and everything the client end receives until it closes. */
async function connection(): Promise<{ socket: Socket; received: Promise<string> }> {
  const server = createServer();
  servers.push(server);
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  const chunks: Buffer[] = [];
  client.on('data', (chunk: Buffer) => chunks.push(chunk));
  const received = once(client, 'close').then(() => Buffer.concat(chunks).toString('utf8'));
  const [socket] = await accepted;
  // The handler destroys the socket with the parser's error, as Node's own
  // does; the HTTP server listens for it there.
  socket.on('error', () => undefined);
  return { socket, received };
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

const malformed = Object.assign(new Error('Parse Error: Invalid method encountered'), {
  code: 'HPE_INVALID_METHOD',
});

describe('answerClientError', () => {
  it('answers bytes that are not HTTP with a GraphQL-shaped 400 and closes the connection', async () => {
    const { socket, received } = await connection();
    answerClientError(1024)(malformed, socket);
    const text = await received;
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text).toContain('Connection: close');
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({
      errors: [{ message: 'The HTTP request is malformed.', extensions: { code: 'BAD_REQUEST' } }],
    });
    expect(clientErrorStatus(socket)).toBe(400);
  });

  it('writes nothing into a response already under way, and only closes the connection', async () => {
    const { socket, received } = await connection();
    // How Node's HTTP server marks the response it is writing on a socket:
    // a request answered in part, then bytes after it that are not HTTP.
    Object.assign(socket, { _httpMessage: { headersSent: true } });
    answerClientError(1024)(malformed, socket);
    expect(await received).toBe('');
    expect(clientErrorStatus(socket)).toBeUndefined();
  });
});
