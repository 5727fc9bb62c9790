/**
 * Contender "naive": the raw baseline with loaders that make one REST call
 * per field (no batching, no per-request cache, no priming from lists).
 */
import { createSchema } from '../../src/schema.js';
import { runChild } from '../lib/contenderProcess.js';
import { createBaseline } from './baselineClient.js';
import { createNaiveLoaders } from './naiveLoaders.js';
import { startRawServer } from './rawServer.js';

runChild(async () => {
  const { client, createContext: contextFor } = createBaseline();
  const server = await startRawServer({
    schema: createSchema(),
    async createContext(headers) {
      const context = await contextFor(headers);
      const scope = {
        auditUser: context.caller.sub,
        requestId: headers.requestId,
        onCall: () => void context.upstreamCalls.count++,
      };
      return { ...context, loaders: createNaiveLoaders(client, scope) };
    },
  });
  return {
    url: server.url,
    async close() {
      await server.close();
      await client.close();
    },
  };
});
