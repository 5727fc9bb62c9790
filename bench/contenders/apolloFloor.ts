/**
 * Contenders "raw-apollo" and "raw-fastify-apollo": raw's schema, loaders and
 * client, answered by Apollo Server 5 with nothing of the gateway's own
 * (no plugins, limits, hooks, CORS, metrics or shedding), on `node:http`
 * (BENCH_APOLLO_HTTP=node) or on fastify with `@as-integrations/fastify`
 * (=fastify). Between raw and the gateway they split the gap: raw → raw-apollo
 * is Apollo Server's own pipeline, raw-apollo → raw-fastify-apollo is
 * fastify's, and raw-fastify-apollo → gateway is the gateway's own work. The
 * first two are the floor the contract's stack sets under any gateway built on it.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify from 'fastify';
import type { GatewayContext } from '../../src/context.js';
import { headerValue } from '../../src/headers.js';
import { createSchema } from '../../src/schema.js';
import { runChild } from '../lib/contenderProcess.js';
import { createBaseline } from './baselineClient.js';

runChild(async () => {
  const { client, createContext } = createBaseline();
  const apollo = new ApolloServer<GatewayContext>({
    schema: createSchema(),
    // Apollo's defaults, less the per-request work the gateway turns off too:
    // cache-control hints per field, and ftv1 traces (on by default for a subgraph).
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();
  let nextId = 0;
  // The caller's request id goes upstream, as raw's does: the simulator's
  // timestamps are matched to requests by it (added latency).
  const contextOf: ContextOf = (headers) =>
    createContext({
      authorization: headers.authorization,
      auditUser: headerValue(headers['x-audit-user']),
      requestId: headerValue(headers['x-request-id']) ?? `apollo-${++nextId}`,
    });

  const server =
    process.env.BENCH_APOLLO_HTTP === 'fastify'
      ? await onFastify(apollo, contextOf)
      : await onNodeHttp(apollo, contextOf);
  return {
    url: server.url,
    async close() {
      await server.close();
      await apollo.stop();
      await client.close();
    },
  };
});

type ContextOf = (headers: IncomingMessage['headers']) => Promise<GatewayContext>;

async function onFastify(apollo: ApolloServer<GatewayContext>, contextOf: ContextOf) {
  const app = Fastify();
  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: '/graphql',
    handler: fastifyApolloHandler(apollo, { context: (request) => contextOf(request.headers) }),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

/** What `startStandaloneServer` does, less CORS and body-parser: the least HTTP work Apollo needs. */
async function onNodeHttp(apollo: ApolloServer<GatewayContext>, contextOf: ContextOf) {
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: req.method ?? 'GET',
          headers,
          search: query === -1 ? '' : url.slice(query),
          body: text === '' ? undefined : JSON.parse(text),
        },
        context: () => contextOf(req.headers),
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    })().catch(() => {
      // A body that is not JSON, say: the harness only sends valid requests,
      // so a broken connection is answer enough, and the process lives on.
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
