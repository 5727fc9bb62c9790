/**
 * Cuts, when the drain begins, every connection whose request has not fully
 * arrived. Node enforces `headersTimeout` and `requestTimeout` from a timer
 * that `server.close()` stops, and closes only idle connections itself: one
 * that has sent part of a request (a header every few seconds, a body that
 * never ends) would hold the drain open to the end of SHUTDOWN_GRACE_MS, and
 * the process would exit 1 as if a request had been cut off. None has: the
 * gateway runs an operation only once its request is whole.
 */
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What Node's HTTP server sets on a socket while it answers a request there. */
type ServerSocket = Socket & { _httpMessage?: ServerResponse | null };

export interface UnfinishedRequests {
  /** Cuts them now, and any connection accepted from now on. */
  cut(): void;
}

export function trackUnfinishedRequests(server: Server): UnfinishedRequests {
  const sockets = new Set<ServerSocket>();
  let cutting = false;
  server.on('connection', (socket: ServerSocket) => {
    // Accepted as the server closes: nothing of it has arrived yet.
    if (cutting) return void socket.destroy();
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    cut() {
      cutting = true;
      for (const socket of sockets) {
        const response = socket._httpMessage;
        // No response: idle, or its request's headers have not all arrived.
        if (!response || !response.req.complete) socket.destroy();
      }
    },
  };
}
