/**
 * graphql-js builds, for every field it resolves, an argument map, an index
 * of the field's argument nodes (both dictionary-mode) and a plain copy of
 * the map: a third of the bytes a customer page allocates. `patches/` gives
 * fields without arguments one frozen empty object and looks argument nodes
 * up in their list. These tests hold both module formats of graphql
 * (ESM for the gateway, CommonJS for @apollo/subgraph and others) to it, and
 * to the arguments graphql-js gave before.
 */
import { createRequire } from 'node:module';
import * as esm from 'graphql';
import { describe, expect, it } from 'vitest';

const cjs = createRequire(import.meta.url)('graphql') as typeof esm;

const SDL = `type Query {
  items: [Item!]!
  pick(first: Int = 3, after: String, ids: [ID!]): String
  required(id: ID!): String
}
type Item { name: String  other: String }`;

describe.each([
  ['ESM', esm],
  ['CommonJS', cjs],
])("graphql-js's arguments (%s)", (_format, graphql) => {
  const schema = graphql.buildSchema(SDL);

  async function run(source: string, variableValues?: Record<string, unknown>) {
    const seen: Record<string, unknown>[] = [];
    const remember = (args: Record<string, unknown>) => {
      seen.push(args);
      return JSON.stringify(args);
    };
    const result = await graphql.graphql({
      schema,
      source,
      variableValues,
      fieldResolver: (_source, args: Record<string, unknown>, _context, info) =>
        info.fieldName === 'items' ? [{}, {}, {}] : remember(args),
    });
    return { result, seen };
  }

  it('gives every field without arguments one shared, frozen, empty map', async () => {
    const { result, seen } = await run('{ items { name other } }');
    expect(result.errors).toBeUndefined();
    expect(seen).toHaveLength(6);
    for (const args of seen) {
      expect(args).toBe(seen[0]);
      expect(Object.isFrozen(args)).toBe(true);
      expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
      expect(Object.keys(args)).toEqual([]);
    }
  });

  it('gives a field with arguments its own map of literals, variables and defaults', async () => {
    const { result, seen } = await run(
      'query ($after: String, $ids: [ID!]) { a: pick b: pick(first: 1, after: $after) c: pick(ids: $ids, after: "x") }',
      { ids: ['7', '8'] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      a: JSON.stringify({ first: 3 }),
      b: JSON.stringify({ first: 1 }),
      c: JSON.stringify({ first: 3, after: 'x', ids: ['7', '8'] }),
    });
    expect(new Set(seen).size).toBe(3);
    for (const args of seen) {
      expect(Object.isFrozen(args)).toBe(false);
      expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
    }
  });

  it('still refuses a required argument whose variable was not given', async () => {
    const { result, seen } = await run('query ($id: ID!) { required(id: $id) }', {});
    expect(seen).toEqual([]);
    expect(result.errors?.map((e) => e.message)).toEqual([
      'Variable "$id" of required type "ID!" was not provided.',
    ]);
  });
});
