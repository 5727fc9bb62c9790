/**
 * patches/graphql-jit+0.8.9.patch, on graphql-jit alone: argument literals
 * that graphql-jit writes into its compiled code keep the values JSON cannot
 * hold (infinities, a Date), and a string that spells one of
 * graphql-jit's old markers stays the string it is.
 */
import {
  GraphQLFloat,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  Kind,
  parse,
  type ExecutionResult,
} from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { describe, expect, it } from 'vitest';

const When = new GraphQLScalarType({
  name: 'When',
  parseValue: (value) => new Date(String(value)),
  parseLiteral: (node) => (node.kind === Kind.STRING ? new Date(node.value) : undefined),
});

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      float: {
        type: GraphQLString,
        args: { x: { type: GraphQLFloat } },
        resolve: (_, { x }: { x: unknown }) => String(x),
      },
      when: {
        type: GraphQLString,
        args: { d: { type: When } },
        resolve: (_, { d }: { d: unknown }) =>
          d instanceof Date ? d.toISOString() : `not a date: ${typeof d}`,
      },
      text: {
        type: GraphQLString,
        args: { s: { type: GraphQLString } },
        resolve: (_, { s }: { s: unknown }) => s,
      },
    },
  }),
});

async function compiledRun(query: string): Promise<ExecutionResult> {
  const compiled = compileQuery(schema, parse(query));
  if (!isCompiledQuery(compiled)) throw new Error(JSON.stringify(compiled));
  return (await compiled.query(undefined, {}, {})) as ExecutionResult;
}

describe('graphql-jit, patched', () => {
  it('keeps infinities and a Date written in the query (graphql-jit itself reads a NaN as no value)', async () => {
    const result = await compiledRun(
      '{ up: float(x: 1e999) down: float(x: -1e999) when(d: "2026-12-07T08:00:00.000Z") }',
    );
    expect(result).toEqual({
      data: {
        up: 'Infinity',
        down: '-Infinity',
        when: '2026-12-07T08:00:00.000Z',
      },
    });
  });

  it.each([
    '__MAGIC_DATE__33a9e76d_02e0_4128_8e92_3530ad3da74d86400000',
    '__MAGIC_NAN__57f286b9_4c20_487f_b409_79804ddcb4f8',
    '__MAGIC_PLUS_INFINITY__bb201c39_3333_4695_b4ad_7f1722e7aa7a',
  ])('keeps the string %s as that string', async (marker) => {
    expect(await compiledRun(`{ text(s: "${marker}") }`)).toEqual({ data: { text: marker } });
  });
});
