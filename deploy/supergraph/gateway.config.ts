// Written by `npm run supergraph`; edit the options there, not this file.
// npm i @graphql-hive/gateway@2 && npx hive-gateway supergraph   (reads gateway.config.ts and supergraph.graphql here)
import { defineConfig } from '@graphql-hive/gateway';

export const gatewayConfig = defineConfig({
  supergraph: './supergraph.graphql',
  port: 4100,
  propagateHeaders: {
    // The gateway authorizes every record itself, so the caller's token must
    // reach it on every subgraph fetch, _entities included.
    fromClientToSubgraphs({ request, subgraphName }) {
      if (subgraphName !== 'enfuce') return;
      return {
        authorization: request.headers.get('authorization'),
        'x-request-id': request.headers.get('x-request-id'),
        // Without Hive's own tracing, the caller's trace context goes on as is.
        traceparent: request.headers.get('traceparent'),
        tracestate: request.headers.get('tracestate'),
      };
    },
  },
});
