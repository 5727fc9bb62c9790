/**
 * An operation graphql-jit cannot compile runs on graphql-js for good
 * (src/execution/jitGateway.ts): it is not weighed, checked and compiled
 * again on every later run.
 */
import { ApolloServer } from '@apollo/server';
import { GraphQLError, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import type * as graphqlJit from 'graphql-jit';
import { compileQuery } from 'graphql-jit';
import { describe, expect, it, vi } from 'vitest';
import { jitGateway } from '../../src/execution/jitGateway.js';

vi.mock('graphql-jit', async (importOriginal) => {
  const actual = await importOriginal<typeof graphqlJit>();
  return { ...actual, compileQuery: vi.fn(actual.compileQuery) };
});

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: { ok: { type: GraphQLString, resolve: () => 'fine' } },
  }),
});

describe('jitGateway fallback', () => {
  it.each([0, 2])(
    'tries once to compile an operation graphql-jit refuses (after %i runs), then leaves it to graphql-js',
    async (compileAfterRuns) => {
      const compile = vi.mocked(compileQuery);
      compile.mockClear();
      compile.mockImplementationOnce(() => ({ errors: [new GraphQLError('not compilable')] }));
      const server = new ApolloServer({ gateway: jitGateway(schema, { compileAfterRuns }) });
      await server.start();
      try {
        for (let run = 0; run < compileAfterRuns + 4; run++) {
          const response = await server.executeOperation({ query: 'query Refused { ok }' });
          if (response.body.kind !== 'single') throw new Error('expected a single result');
          expect(response.body.singleResult).toEqual({ data: { ok: 'fine' } });
        }
        expect(compile).toHaveBeenCalledTimes(1);
      } finally {
        await server.stop();
      }
    },
  );
});
