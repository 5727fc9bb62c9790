/**
 * Abort signals for the request path that die young, and `untilAborted`,
 * which stops waiting on work when a signal aborts.
 *
 * On Node 20 an AbortSignal outlives young-generation collections until a
 * full one, and whatever listens to it when a scavenge runs (an upstream
 * call's undici handler and body, closures over the request) is copied and
 * promoted along with it, to be found dead only by the next full collection.
 * With one signal per request and one per upstream call, these cost up to
 * 10 % of the CPU per request on shapes with many upstream calls (A/B in
 * bench/README.md). Node 22 and 24 collect them young.
 *
 * This signal is a plain EventTarget with the surface of an AbortSignal that
 * its readers use: `aborted`, `reason`, `throwIfAborted()`, `onabort` and
 * 'abort' listeners (undici's request and body, cockatiel, the gateway).
 */
class YoungAbortSignal extends EventTarget implements AbortSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: ((this: AbortSignal, event: Event) => unknown) | null = null;

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }
}

/** As `AbortController`, for signals made per request or per upstream call. */
export class YoungAbortController {
  readonly #signal = new YoungAbortSignal();

  get signal(): AbortSignal {
    return this.#signal;
  }

  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    const signal = this.#signal;
    if (signal.aborted) return;
    signal.aborted = true;
    signal.reason = reason;
    const event = new Event('abort');
    signal.onabort?.call(signal, event);
    signal.dispatchEvent(event);
  }
}

/** `work`, or the signal's reason as soon as it aborts, whichever comes first. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  // A late rejection of `work` must not become an unhandled rejection.
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
