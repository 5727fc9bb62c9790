/**
 * Errors formatError masks reach the log once per request, with the
 * request's id and how many fields failed alike, on both execution paths.
 */
import { ApolloServer } from '@apollo/server';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/context.js';
import { createFormatError } from '../../src/errors.js';
import { jitGateway } from '../../src/execution/jitGateway.js';
import { createLogger } from '../../src/logger.js';
import { unexpectedErrors } from '../../src/plugins/unexpectedErrors.js';

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      ok: { type: GraphQLString, resolve: () => 'fine' },
      broken: {
        type: GraphQLString,
        resolve: () => {
          throw new TypeError('Cannot read properties of undefined');
        },
      },
      refused: {
        type: GraphQLString,
        resolve: () => {
          throw Object.assign(new Error('no'), { extensions: { code: 'FORBIDDEN' } });
        },
      },
    },
  }),
});

function gatewayWith(jit: boolean) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', false, {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  const unexpected = unexpectedErrors(logger);
  const server = new ApolloServer<GatewayContext>({
    ...(jit ? { gateway: jitGateway(schema, { compileAfterRuns: 0 }) } : { schema }),
    formatError: createFormatError(unexpected.log),
    plugins: [unexpected.plugin],
    includeStacktraceInErrorResponses: false,
  });
  return { server, lines, unexpected };
}

describe.each([false, true])('unexpected errors (GRAPHQL_JIT=%s)', (jit) => {
  it('are logged in one line per request, with its id and their count', async () => {
    const { server, lines } = gatewayWith(jit);
    await server.start();
    try {
      const contextValue = { requestId: 'req-7' } as GatewayContext;
      const response = await server.executeOperation(
        { query: '{ a: broken b: broken c: broken refused ok }' },
        { contextValue },
      );
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const { data, errors } = response.body.singleResult;
      expect(data).toEqual({ a: null, b: null, c: null, refused: null, ok: 'fine' });
      expect(errors?.map((error) => error.extensions?.code).sort()).toEqual([
        'FORBIDDEN',
        'INTERNAL_SERVER_ERROR',
        'INTERNAL_SERVER_ERROR',
        'INTERNAL_SERVER_ERROR',
      ]);
      expect(lines).toEqual([
        expect.objectContaining({
          level: 50,
          msg: 'unexpected error',
          requestId: 'req-7',
          errors: 3,
          err: expect.objectContaining({
            type: 'TypeError',
            message: 'Cannot read properties of undefined',
          }),
        }),
      ]);
    } finally {
      await server.stop();
    }
  });
});

describe('an unexpected error outside an operation', () => {
  it('is logged by formatError, once each', () => {
    const { lines, unexpected } = gatewayWith(false);
    unexpected.log(new Error('the context function failed'));
    unexpected.log(new Error('and again'));
    expect(lines.map((line) => [line.msg, (line.err as { message: string }).message])).toEqual([
      ['unexpected error', 'the context function failed'],
      ['unexpected error', 'and again'],
    ]);
  });
});
