/**
 * Errors on the compiled path (src/execution/jitGateway.ts) are formatted as
 * on graphql-js's: an error thrown without a code is masked, keeps its path
 * and location, and reaches the log once.
 */
import { ApolloServer } from '@apollo/server';
import { GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createFormatError } from '../../src/errors.js';
import { jitGateway } from '../../src/execution/jitGateway.js';

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      ok: { type: GraphQLString, resolve: () => 'fine' },
      echo: {
        type: GraphQLString,
        args: { text: { type: GraphQLString } },
        resolve: (_root, { text }: { text?: string | null }) =>
          text === undefined ? 'absent' : String(text),
      },
      broken: {
        type: GraphQLString,
        resolve: () => {
          throw new Error('connect ECONNREFUSED 10.0.0.7:8443');
        },
      },
      nonNull: { type: new GraphQLNonNull(GraphQLString), resolve: () => null },
      // Two non-null fields failing under one nullable parent: graphql-js
      // reports the first, graphql-jit each, which tells the paths apart.
      pair: {
        type: new GraphQLObjectType({
          name: 'Pair',
          fields: {
            a: { type: new GraphQLNonNull(GraphQLString), resolve: () => null },
            b: { type: new GraphQLNonNull(GraphQLString), resolve: () => null },
          },
        }),
        resolve: () => ({}),
      },
    },
  }),
});

async function run(query: string, jit: boolean, variables?: Record<string, unknown>) {
  const logged: unknown[] = [];
  const server = new ApolloServer({
    ...(jit ? { gateway: jitGateway(schema, { compileAfterRuns: 0 }) } : { schema }),
    formatError: createFormatError((error) => logged.push(error)),
    includeStacktraceInErrorResponses: false,
  });
  await server.start();
  try {
    const response = await server.executeOperation({ query, variables });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { result: response.body.singleResult, logged };
  } finally {
    await server.stop();
  }
}

describe('jitGateway errors', () => {
  it.each([
    ['a plain Error thrown by a resolver', '{ ok broken }'],
    ['a null in a non-null field', '{ nonNull }'],
  ])('masks and logs %s as graphql-js does', async (_name, query) => {
    const [interpreted, compiled] = [await run(query, false), await run(query, true)];
    expect(compiled.result).toEqual(interpreted.result);
    expect(compiled.result.errors).toEqual([
      expect.objectContaining({
        message: 'Internal server error',
        path: [query.includes('broken') ? 'broken' : 'nonNull'],
        locations: [expect.objectContaining({ line: 1 })],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      }),
    ]);
    expect(compiled.logged).toHaveLength(1);
    expect(interpreted.logged).toHaveLength(1);
  });

  it.each(['toString', 'constructor', 'hasOwnProperty'])(
    'leaves out an omitted variable named %s as graphql-js does',
    async (name) => {
      const query = `query ($${name}: String) { echo(text: $${name}) }`;
      const [interpreted, compiled] = [await run(query, false, {}), await run(query, true, {})];
      expect(interpreted.result).toEqual({ data: { echo: 'absent' } });
      expect(compiled.result).toEqual(interpreted.result);
      expect(compiled.logged).toEqual([]);
    },
  );
});

/** How many errors `{ pair { a b } }` gets: 1 on graphql-js, 2 compiled. */
async function pairErrors(server: ApolloServer, query: string): Promise<number> {
  const response = await server.executeOperation({ query });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  expect(response.body.singleResult.data).toEqual({ pair: null });
  return response.body.singleResult.errors?.length ?? 0;
}

describe('jitGateway compiling', () => {
  it('keeps the compiled queries of the most recently run documents, as much as allowed', async () => {
    // Three documents that differ only in their operation's name, each of 24
    // characters and 3 fields (30 characters' weight): the compiled queries
    // of two fit.
    const [a, b, c] = ['A', 'B', 'C'].map((name) => `query ${name} { pair { a b } }`);
    const server = new ApolloServer({
      gateway: jitGateway(schema, { compileAfterRuns: 1, maxCompiledChars: 60 }),
      formatError: createFormatError(() => undefined),
    });
    await server.start();
    try {
      const twice = async (query: string) => [
        await pairErrors(server, query),
        await pairErrors(server, query),
      ];
      expect(await twice(a!)).toEqual([1, 2]);
      expect(await twice(b!)).toEqual([1, 2]);
      // Run again, A is the more recent of the two: C's compiled query
      // takes B's place, not A's.
      expect(await pairErrors(server, a!)).toBe(2);
      expect(await twice(c!)).toEqual([1, 2]);
      expect(await pairErrors(server, a!)).toBe(2);
      // B counts its runs again from the start.
      expect(await twice(b!)).toEqual([1, 2]);
      // Which forgot C, the least recently run; A stays compiled.
      expect(await pairErrors(server, a!)).toBe(2);
      expect(await pairErrors(server, c!)).toBe(1);
    } finally {
      await server.stop();
    }
  });

  /** Errors of `{ pair { a b } }`-like answers per run of `operationName`: more when compiled. */
  async function errorCounts(server: ApolloServer, query: string, runs: string[]) {
    const counts: number[] = [];
    for (const operationName of runs) {
      const response = await server.executeOperation({ query, operationName });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      counts.push(response.body.singleResult.errors?.length ?? 0);
    }
    return counts;
  }

  it("weighs each operation of a document by the document's text", async () => {
    // 64 characters: the compiled query of one operation fits in 100, not two.
    const query = 'query A { pair { a b } } query B { pair { a b } } query C { ok }';
    const server = new ApolloServer({
      gateway: jitGateway(schema, { compileAfterRuns: 1, maxCompiledChars: 100 }),
      formatError: createFormatError(() => undefined),
    });
    await server.start();
    try {
      // Compiled, `pair { a b }` reports both fields; graphql-js the first.
      expect(await errorCounts(server, query, ['A', 'A', 'B', 'B'])).toEqual([1, 2, 1, 2]);
      // B's compiled query took A's place: A counts its runs again.
      expect(await errorCounts(server, query, ['A', 'B'])).toEqual([1, 2]);
    } finally {
      await server.stop();
    }
  });

  it('weighs the fields a fragment spread many times brings, and runs one too heavy on graphql-js', async () => {
    const aliases = Array.from({ length: 4 }, (_, i) => `p${i}: pair { ...F }`).join(' ');
    const query = `query A { ${aliases} } fragment F on Pair { a b }`;
    // Its text fits; its 12 fields, 120 characters' weight, do not.
    const server = new ApolloServer({
      gateway: jitGateway(schema, { compileAfterRuns: 0, maxCompiledChars: query.length + 1 }),
      formatError: createFormatError(() => undefined),
    });
    await server.start();
    try {
      expect(query.length + 1).toBeLessThan(120);
      // Four pairs, one error each on graphql-js (two each compiled), run after run.
      expect(await errorCounts(server, query, ['A', 'A', 'A'])).toEqual([4, 4, 4]);
    } finally {
      await server.stop();
    }
  });

  it.each([0, 1, 3])(
    'runs a document on graphql-js %i times, then compiled from the next run on',
    async (compileAfterRuns) => {
      const server = new ApolloServer({
        gateway: jitGateway(schema, { compileAfterRuns }),
        formatError: createFormatError(() => undefined),
      });
      await server.start();
      try {
        const errorCounts: number[] = [];
        for (let run = 0; run < compileAfterRuns + 2; run++) {
          const response = await server.executeOperation({ query: '{ pair { a b } }' });
          if (response.body.kind !== 'single') throw new Error('expected a single result');
          expect(response.body.singleResult.data).toEqual({ pair: null });
          errorCounts.push(response.body.singleResult.errors?.length ?? 0);
        }
        expect(errorCounts).toEqual([...Array(compileAfterRuns).fill(1), 2, 2]);
      } finally {
        await server.stop();
      }
    },
  );
});
