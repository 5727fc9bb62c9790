/**
 * Contender "raw": the same schema, resolvers, loaders and undici client as
 * the gateway, served by the bare `node:http` + graphql-js baseline.
 */
import { createAuthenticator } from '../../src/auth/authenticate.js';
import { createContextFactory } from '../../src/context.js';
import { createCursorCodec } from '../../src/resolvers/cursor.js';
import { createSchema } from '../../src/schema.js';
import { runChild } from '../lib/contenderProcess.js';
import { baselineConfig, createBaselineClient } from './baselineClient.js';
import { startRawServer } from './rawServer.js';

runChild(async () => {
  const config = baselineConfig();
  const client = createBaselineClient(config);
  const server = await startRawServer({
    schema: createSchema(),
    createContext: createContextFactory({
      client,
      authenticate: createAuthenticator(config.auth, { open: true }),
      cursors: createCursorCodec(config.cursorSecret),
    }),
  });
  return {
    url: server.url,
    async close() {
      await server.close();
      await client.close();
    },
  };
});
