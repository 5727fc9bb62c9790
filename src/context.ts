import type { Authenticate } from './auth/authenticate.js';
import type { Caller } from './auth/caller.js';
import { createLoaders, type Loaders } from './loaders/index.js';
import type { CursorCodec } from './resolvers/cursor.js';
import type { EnfuceClient, UpstreamScope } from './upstream/client.js';

/** What every resolver receives; built fresh for each request (codegen `contextType`). */
export interface GatewayContext {
  caller: Caller;
  /** The request's id, as its log line and `x-request-id` carry it. */
  requestId: string;
  /** Bound to this request's upstream scope: its `auditUser`, request id, call count and signal. */
  loaders: Loaders;
  cursors: CursorCodec;
  /**
   * Upstream calls made so far for this request; `closed` once its answer
   * is made (plugins/upstreamCalls.ts), after which no call starts.
   */
  upstreamCalls: { count: number; closed: boolean };
}

export interface ContextDependencies {
  client: EnfuceClient;
  authenticate: Authenticate;
  cursors: CursorCodec;
  /**
   * How long one request may wait on the issuer in all, from when its
   * context is made (REQUEST_TIMEOUT_MS); 0 sets no limit. @default 0
   */
  requestTimeoutMs?: number;
  /** Told the size of every loader batch (metrics). @default none */
  onBatch?: (loader: string, size: number) => void;
}

export interface RequestHeaders {
  authorization?: string | undefined;
  auditUser?: string | undefined;
  requestId: string;
  /** Aborts when the caller hangs up before its answer is ready. */
  signal?: AbortSignal;
}

/** Builds the context of one request: who asks, and a fresh set of loaders. */
export function createContextFactory({
  client,
  authenticate,
  cursors,
  requestTimeoutMs = 0,
  onBatch,
}: ContextDependencies) {
  return async (headers: RequestHeaders): Promise<GatewayContext> => {
    // Before the token check: fetching a key set is part of the wait.
    const deadline = requestTimeoutMs > 0 ? performance.now() + requestTimeoutMs : undefined;
    const caller = await authenticate(headers);
    const upstreamCalls = { count: 0, closed: false };
    const scope: UpstreamScope = {
      auditUser: caller.sub,
      requestId: headers.requestId,
      onCall: () => {
        upstreamCalls.count++;
      },
      onBatch,
      closed: () => upstreamCalls.closed,
      signal: headers.signal,
      deadline,
    };
    return {
      caller,
      requestId: headers.requestId,
      loaders: createLoaders(client, scope),
      cursors,
      upstreamCalls,
    };
  };
}
