/**
 * Contender "raw": the same schema, resolvers, loaders and undici client as
 * the gateway, served by the bare `node:http` + graphql-js baseline.
 */
import { createSchema } from '../../src/schema.js';
import { runChild } from '../lib/contenderProcess.js';
import { createBaseline } from './baselineClient.js';
import { startRawServer } from './rawServer.js';

runChild(async () => {
  const { client, createContext } = createBaseline();
  const server = await startRawServer({ schema: createSchema(), createContext });
  return {
    url: server.url,
    async close() {
      await server.close();
      await client.close();
    },
  };
});
