/**
 * A request's count of upstream calls: closed once its answer is made, so
 * that no call starts after the answer, the log line and the caller's share
 * have read it (UpstreamScope.closed). Outside production every executed
 * operation's answer also says what it cost (`extensions.upstream.calls`,
 * retries included), so whoever writes a query in Sandbox sees what it
 * costs the issuer, and tests and benchmarks can hold the count to its
 * minimum. Production leaves that out: it tells a caller how the answer
 * was assembled.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { GatewayContext } from '../context.js';

export function upstreamCallsPlugin({
  extension,
}: {
  /** Whether answers carry `extensions.upstream.calls`. */
  extension: boolean;
}): ApolloServerPlugin<GatewayContext> {
  const listener: GraphQLRequestListener<GatewayContext> = {
    async willSendResponse({ contextValue, response }) {
      contextValue.upstreamCalls.closed = true;
      if (!extension || response.body.kind !== 'single') return;
      const result = response.body.singleResult;
      // Only answers of an operation that ran: a refused request has no `data`.
      if (!('data' in result)) return;
      result.extensions = {
        ...result.extensions,
        upstream: { calls: contextValue.upstreamCalls.count },
      };
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}
