/**
 * Outside production, every executed operation's answer says how many
 * upstream calls it cost (`extensions.upstream.calls`, retries included), so
 * whoever writes a query in Sandbox sees what it costs the issuer, and
 * tests and benchmarks can hold the count to its minimum. Production leaves
 * it out: it tells a caller how the answer was assembled.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { GatewayContext } from '../context.js';

export function upstreamCallsExtension(): ApolloServerPlugin<GatewayContext> {
  const listener: GraphQLRequestListener<GatewayContext> = {
    async willSendResponse({ contextValue, response }) {
      if (response.body.kind !== 'single') return;
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
