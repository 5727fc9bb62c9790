/**
 * Writes a reply to the socket, optionally badly: dripped slowly, or cut
 * short after a Content-Length that promised more.
 */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** A body known up front, or one produced in chunks (large generated bodies). */
export type Body = string | { length: number; chunks: () => Iterable<Buffer> };

/** How to send a reply. */
export interface DeliveryOptions {
  /** Drip the body at this rate; the headers go out at once. */
  bytesPerSecond?: number;
  /** Send half the body, then close the connection. */
  truncate?: boolean;
  /** Aborted when the simulator closes: stop dripping. */
  signal: AbortSignal;
}

/** Sends status, headers and body; resolves when done or abandoned. */
export async function deliver(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Body,
  options: DeliveryOptions,
): Promise<void> {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  res.writeHead(status, { ...headers, 'content-length': String(length) });
  if (!options.bytesPerSecond && !options.truncate) {
    if (typeof body === 'string') {
      res.end(body);
      return;
    }
    for (const chunk of body.chunks()) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await drained(res);
    }
    res.end();
    return;
  }
  let bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.concat([...body.chunks()]);
  if (options.truncate) bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
  if (options.bytesPerSecond) {
    await drip(res, bytes, options.bytesPerSecond, options.signal);
  } else {
    res.write(bytes);
  }
  if (res.destroyed) return;
  if (options.truncate) {
    // Flush what we have, then close: the client sees fewer bytes than Content-Length said.
    res.socket?.end();
    return;
  }
  res.end();
}

// Ten ticks a second for fast rates; one byte per tick for rates under 10 B/s.
async function drip(
  res: ServerResponse,
  bytes: Buffer,
  bytesPerSecond: number,
  signal: AbortSignal,
): Promise<void> {
  const perTick = Math.max(1, Math.floor(bytesPerSecond / 10));
  const tickMs = (1000 * perTick) / bytesPerSecond;
  for (let offset = 0; offset < bytes.length; offset += perTick) {
    try {
      await sleep(tickMs, undefined, { signal });
    } catch {
      return;
    }
    if (res.destroyed) return;
    res.write(bytes.subarray(offset, offset + perTick));
  }
}

// Resolves on `drain`, or on `close` when the client went away; removes both listeners either way.
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
