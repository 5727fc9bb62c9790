/**
 * The errors formatError masks as INTERNAL_SERVER_ERROR (a bug, or a
 * failure without a contract code) are the gateway's to look into: their
 * stack goes to the log, and only there. One line per request, with the
 * request's id, so that the stack leads to the request and its log line;
 * and one line however many fields failed alike, so that a bug 100 fields
 * run into, which a caller can repeat at will, writes 1 line, not 100.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { Logger } from 'pino';
import type { GatewayContext } from '../context.js';
import { unexpectedOriginal } from '../errors.js';

export interface UnexpectedErrors {
  plugin: ApolloServerPlugin<GatewayContext>;
  /**
   * For formatError: logs an error the plugin has not logged with its
   * request, such as one thrown by the context function, before any
   * operation ran.
   */
  log(error: unknown): void;
  /**
   * Ties an error the context function threw to its request, for its
   * `unexpected error` line: formatError is told only the error.
   */
  noteContextFailure(error: unknown, requestId: string): void;
}

export function unexpectedErrors(logger: Logger): UnexpectedErrors {
  const logged = new WeakSet<object>();
  // The request whose context function threw each error.
  const failedContexts = new WeakMap<object, string>();
  const requestOf = (error: unknown) =>
    typeof error === 'object' && error !== null ? failedContexts.get(error) : undefined;
  const listener: GraphQLRequestListener<GatewayContext> = {
    async didEncounterErrors({ errors, contextValue }) {
      let first: unknown;
      let count = 0;
      for (const error of errors) {
        const original = unexpectedOriginal(error);
        if (original === undefined) continue;
        if (typeof original === 'object' && original !== null) logged.add(original);
        if (count++ === 0) first = original;
      }
      if (count > 0) {
        logger.error(
          { err: first, requestId: contextValue.requestId, errors: count },
          'unexpected error',
        );
      }
    },
  };
  return {
    plugin: {
      async requestDidStart() {
        return listener;
      },
    },
    log(error) {
      if (typeof error === 'object' && error !== null && logged.has(error)) return;
      // Apollo wraps what the context function threw ("Context creation
      // failed: …"); the error itself names its type and its request.
      // By shape, as errors.ts unwraps: with two copies of graphql loaded
      // (ESM and CJS), `instanceof GraphQLError` fails.
      const thrown = (error as { originalError?: unknown } | null)?.originalError ?? error;
      const requestId = requestOf(thrown);
      logger.error(
        { err: requestId === undefined ? error : thrown, requestId: requestId ?? null },
        'unexpected error',
      );
    },
    noteContextFailure(error, requestId) {
      if (typeof error === 'object' && error !== null) failedContexts.set(error, requestId);
    },
  };
}
