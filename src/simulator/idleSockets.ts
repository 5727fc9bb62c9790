/**
 * Closes kept-alive sockets the way an issuer's load balancer does: after
 * a set idle time, exactly, and without announcing it.
 *
 * Node's own idle timeout does neither. It announces itself
 * (`Keep-Alive: timeout=N`), and undici trusts the announcement, dropping
 * a socket 2 s before the announced time, so under 2 s it never reuses
 * one. And it closes 1 s after the time it announces. Either way a client
 * never meets the race of RELIABILITY.md U13: a call written to a socket
 * the server is closing.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** `idleMs` 0 keeps sockets open however long they idle, as Node's own 0 does. */
export function closeIdleSockets(server: Server, idleMs: number): void {
  // Off: no timer and no announcement of Node's own.
  server.keepAliveTimeout = 0;
  if (idleMs === 0) return;
  const timers = new WeakMap<Socket, NodeJS.Timeout>();
  /** Requests read and not yet answered, by socket: a pipelining client has several. */
  const open = new WeakMap<Socket, number>();
  const stop = (socket: Socket): void => clearTimeout(timers.get(socket));
  server.on('connection', (socket: Socket) => socket.once('close', () => stop(socket)));
  server.on('request', (req, res) => {
    const socket = req.socket;
    stop(socket);
    open.set(socket, (open.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (open.get(socket) ?? 1) - 1;
      open.set(socket, left);
      // Idle from when its last request is answered, as Node counts it.
      if (left > 0 || !res.shouldKeepAlive || socket.destroyed) return;
      timers.set(
        socket,
        setTimeout(() => socket.destroy(), idleMs),
      );
    });
  });
}
