/**
 * One GET to the issuer through undici's `dispatch` API, its body gathered
 * as text.
 *
 * undici's `request()` hands every answer over as a Readable stream (an
 * EventEmitter, 'readable' and 'end' ticks, a consume promise), which a
 * JSON body of a few kilobytes read whole does not need: without it a call
 * cost the client about a fifth less CPU (by hand; the benchmark's A/B is in
 * bench/README.md). The handler below takes the
 * chunks as they arrive and keeps what `request()` gave: the caller's
 * signal aborts the call whether it is queued, sent or mid-body; the pool's
 * `maxResponseSize`, timeouts and keep-alive rules apply unchanged.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The whole body as UTF-8 text (a byte order mark dropped); undefined unless `keepBody` chose it. */
  text: string | undefined;
  /**
   * Why the body did not arrive whole, although the headers did (cut short,
   * too large, aborted), or arrived as bytes that are not UTF-8
   * (BodyNotUtf8Error). Only for a body that was kept: the rest of a
   * discarded one does not matter.
   */
  bodyError?: unknown;
}

/**
 * A kept body whose bytes are not UTF-8, which JSON between systems must be
 * (RFC 8259): decoding would replace them with U+FFFD and change a name
 * without a word.
 */
export class BodyNotUtf8Error extends Error {
  constructor() {
    super('The body is not UTF-8.');
    this.name = 'BodyNotUtf8Error';
  }
}

export interface Exchange {
  /** The issuer's origin: a Pool ignores it, an Agent (or a test's MockAgent) routes by it. */
  origin: string;
  path: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Whether the body of an answer with this status is read; others are discarded. */
  keepBody: (status: number) => boolean;
  /** Past this many bytes of a discarded body, the connection is closed instead of read to the end. */
  discardLimit: number;
}

/**
 * Resolves once the answer is complete, or with `bodyError` once a kept
 * body failed; rejects when no answer arrived (a transport error, or the
 * signal's reason when it aborted first).
 */
export function exchange(dispatcher: Dispatcher, call: Exchange): Promise<Answer> {
  const { signal } = call;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<Answer>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let answer: Answer | undefined;
    let keep = false;
    let chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;

    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      chunks = [];
      finish();
    };
    // Before the call has a socket there is no controller yet; onRequestStart
    // aborts it then. Until then it holds its bulkhead slot, as it holds one
    // of the pool's connections (the caller has its answer from the client
    // at the deadline): a slot freed earlier would let in a call that waits
    // unseen in undici's own queue.
    const onAbort = () => controller?.abort(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });

    dispatcher.dispatch(
      { method: 'GET', origin: call.origin, path: call.path, headers: call.headers },
      {
        onRequestStart(started) {
          controller = started;
          if (signal.aborted) started.abort(signal.reason as Error);
        },
        onResponseStart(_controller, status, headers) {
          // 1xx answers are interim; the real one follows.
          if (status < 200) return;
          answer = { status, headers, text: undefined };
          keep = call.keepBody(status);
        },
        onResponseData(current, chunk) {
          bytes += chunk.length;
          if (keep) {
            chunks.push(chunk);
          } else if (bytes > call.discardLimit && answer) {
            const discarded = answer;
            settle(() => resolve(discarded));
            current.abort(new Error('discarded body too long'));
          }
        },
        onResponseEnd() {
          const complete = answer;
          if (!complete) return;
          if (keep) {
            const text = utf8(chunks, bytes);
            if (text === undefined) complete.bodyError = new BodyNotUtf8Error();
            else complete.text = text;
          }
          settle(() => resolve(complete));
        },
        onResponseError(_controller, error) {
          const partial = answer;
          if (!partial) return settle(() => reject(error));
          if (keep) partial.bodyError = error;
          settle(() => resolve(partial));
        },
      },
    );
  });
}

function utf8(chunks: readonly Buffer[], bytes: number): string | undefined {
  const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
  if (!isUtf8(buffer)) return undefined;
  const bom = buffer.length > 2 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
  return buffer.toString('utf8', bom ? 3 : 0);
}
