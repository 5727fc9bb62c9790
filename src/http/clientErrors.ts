/**
 * Requests Node's HTTP parser refuses before fastify has a request to route:
 * a request line and headers beyond `maxHeaderSize` (a GET carrying a huge
 * query), a request still arriving when `requestTimeout` runs out, bytes
 * that are not HTTP. Answered like the gateway's other HTTP refusals, a
 * GraphQL-shaped JSON error with code BAD_REQUEST, instead of fastify's
 * `{"error": …}`, and the connection closes.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody } from './hardening.js';

/**
 * Sockets this handler answered, and with what: a request whose body timed
 * out was already being served, and its log line should say 408, not the
 * status fastify set for the body it never got.
 */
const answered = new WeakMap<Socket, number>();

/** The status this handler answered on the request's socket, if it did. */
export function clientErrorStatus(socket: Socket | null | undefined): number | undefined {
  return socket ? answered.get(socket) : undefined;
}

/** The request line and headers Node takes: a POST body's worth for a GET's query, and 16 KiB. */
export function maxHeaderBytes(maxBodyBytes: number): number {
  return maxBodyBytes + 16 * 1024;
}

/**
 * fastify's `clientErrorHandler`, for a server whose `maxHeaderSize` is
 * `limit`. `onAnswered` hears of every answer: most of these requests never
 * reach fastify, so no request log line or request metric tells of them.
 */
export function answerClientError(limit: number, onAnswered?: (status: number) => void) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    // A reset connection has no one to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, message] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request did not arrive in time.']
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, `The request line and headers are larger than ${limit} bytes.`]
          : [400, 'The HTTP request is malformed.'];
    if (answer(socket, status, message)) onAnswered?.(status);
    socket.destroy(error);
  };
}

/** Writes the answer, unless the socket cannot take one; whether it did. */
function answer(socket: Socket, status: number, message: string): boolean {
  // Node's own rule: no answer into a response already under way.
  const response = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || response?.headersSent) return false;
  answered.set(socket, status);
  const body = JSON.stringify(errorBody(message, 'BAD_REQUEST'));
  socket.write(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
  return true;
}
