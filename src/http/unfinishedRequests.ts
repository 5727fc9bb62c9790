/**
 * Cuts, as the server stops listening, every connection whose request has
 * not fully arrived. Node enforces `headersTimeout` and `requestTimeout` from
 * a timer that `server.close()` stops, and closes only idle connections
 * itself: one that has sent part of a request (a header every few seconds, a
 * body that never ends) would hold the drain open to the end of
 * SHUTDOWN_GRACE_MS, and the process would exit 1 as if a request had been
 * cut off. None has: a POST's operation runs once its body is whole, and a
 * GET that sends a body is refused (hardening.ts).
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** What Node's HTTP server sets on a socket while it answers a request there. */
type ServerSocket = Socket & { _httpMessage?: ServerResponse | null };

export function cutUnfinishedRequestsOnClose(app: FastifyInstance): void {
  const sockets = new Set<ServerSocket>();
  app.server.on('connection', (socket: ServerSocket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // fastify calls `server.close()` right after its preClose hooks, in the
  // same turn: no connection is accepted in between.
  app.addHook('preClose', (done) => {
    for (const socket of sockets) {
      const response = socket._httpMessage;
      // No response: idle, or its request's headers have not all arrived.
      if (!response || !response.req.complete) socket.destroy();
    }
    done();
  });
}
