/**
 * Apollo Server builds, for every operation run through a gateway (our
 * `GRAPHQL_JIT` path), a view of the request whose `response.http.status`
 * reads and writes the real one. As shipped, that view is an object literal
 * with its own getter and setter; measured, what such accessors close over
 * is promoted (presumably V8 allocates the pair in the old generation), so
 * each request, with its context and result, survived every
 * young-generation collection until a full one. `patches/` gives the view a
 * class with the accessors on its prototype; these tests hold it to both.
 */
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { describe, expect, it } from 'vitest';
import { promotedMegabytes } from '../helpers/promoted.js';

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: { ok: { type: GraphQLString, resolve: () => 'fine' } },
  }),
});

describe("Apollo's gateway view of a request", () => {
  it('still reads and writes the status and headers of the real response', async () => {
    const seen: (number | undefined)[] = [];
    const gateway: GatewayInterface = {
      onSchemaLoadOrUpdate(callback) {
        callback({ apiSchema: schema, coreSupergraphSdl: '' });
        return () => undefined;
      },
      load: async () => ({
        executor: async ({ response }) => {
          const http = response?.http;
          if (http === undefined) throw new Error('expected the response to be there');
          seen.push(http.status);
          http.status = 418;
          seen.push(http.status);
          http.headers.set('x-from-executor', 'yes');
          return { data: { ok: 'fine' } };
        },
      }),
      stop: async () => undefined,
    };
    const server = new ApolloServer({ gateway });
    await server.start();
    try {
      const { http } = await server.executeOperation({ query: '{ ok }' });
      expect(seen).toEqual([undefined, 418]);
      expect(http.status).toBe(418);
      expect(http.headers.get('x-from-executor')).toBe('yes');
    } finally {
      await server.stop();
    }
  });

  it('lets a finished request be collected young, with its context', () => {
    // 2000 operations through the compiled path, each with a context holding
    // about 8 KB, after a warm-up.
    const jitGateway = fileURLToPath(new URL('../../src/execution/jitGateway.ts', import.meta.url));
    const probe = (kept: boolean) => ({
      setup: `
        const kept = [];
        const { ApolloServer } = await import('@apollo/server');
        const { GraphQLObjectType, GraphQLSchema, GraphQLString } = await import('graphql');
        const { jitGateway } = await import(${JSON.stringify(jitGateway)});
        const schema = new GraphQLSchema({
          query: new GraphQLObjectType({
            name: 'Query',
            fields: { size: { type: GraphQLString, resolve: (_, __, context) => String(context.held.length) } },
          }),
        });
        const server = new ApolloServer({ gateway: jitGateway(schema, { compileAfterRuns: 0 }) });
        await server.start();
        const run = () => {
          const contextValue = { held: new Array(1000).fill(0) };
          ${kept ? 'kept.push(contextValue);' : ''}
          return server.executeOperation({ query: '{ size }' }, { contextValue });
        };
        for (let i = 0; i < 200; i++) await run();
      `,
      each: 'await run();',
      times: 2000,
      teardown: 'await server.stop();',
    });
    // Apollo as shipped: 23 MB, every context; with the patch about 1.5 MB.
    expect(promotedMegabytes(probe(false))).toBeLessThan(5);
    // The probe sees contexts that do outlive their request: kept, the same
    // 2000 come to about 18 MB.
    expect(promotedMegabytes(probe(true))).toBeGreaterThan(10);
  });
});
