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
  /** Leave out Content-Length: Node sends the body chunked. */
  chunked?: boolean;
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
  res.writeHead(
    status,
    options.chunked ? headers : { ...headers, 'content-length': String(length) },
  );
  // Node holds the headers back until the first body write, which a drip
  // makes only after its first tick: without this the headers of a 1 B/s
  // body would come a second late, and a client's deadline would pass
  // before it ever saw them.
  if (options.bytesPerSecond) res.flushHeaders();
  const chunks = firstBytes(
    typeof body === 'string' ? [Buffer.from(body)] : body.chunks(),
    options.truncate ? Math.floor(length / 2) : length,
  );
  for (const chunk of chunks) {
    if (options.bytesPerSecond) await drip(res, chunk, options.bytesPerSecond, options.signal);
    else if (!res.destroyed && !res.write(chunk)) await drained(res);
    if (res.destroyed) return;
  }
  if (options.truncate) {
    // Flush what we have, then close: the client sees fewer bytes than Content-Length said.
    res.socket?.end();
    return;
  }
  res.end();
}

/** The chunks up to `limit` bytes, one at a time: a 50 MiB body is never held at once. */
function* firstBytes(chunks: Iterable<Buffer>, limit: number): Generator<Buffer> {
  let left = limit;
  for (const chunk of chunks) {
    if (left <= 0) return;
    yield chunk.length <= left ? chunk : chunk.subarray(0, left);
    left -= chunk.length;
  }
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
