/**
 * graphql-js makes, for every field it resolves, an argument map, an index
 * of the field's argument nodes (both dictionary-mode in V8) and a plain
 * copy of the map; every object of the answer is null-prototype, so
 * dictionary-mode too, slow to fill and slow to serialize; and an object
 * with fields that resolve later is copied once they have. `patches/` gives
 * fields without arguments one frozen empty object, makes the answer's
 * objects plain unless a response name is `__proto__`, and fills the
 * pending fields in place. These tests hold both builds of graphql to it, and
 * to the answers graphql-js gave before: CommonJS, which Node.js loads
 * (graphql 16 has no exports map, so `import` finds `main`; vitest.config.ts
 * makes vitest do the same), and ESM (`index.mjs`, which bundlers take).
 */
import * as cjs from 'graphql';
import { describe, expect, it } from 'vitest';

const esm = (await import('graphql/index.mjs' as string)) as typeof cjs;

it('has two builds of graphql to test, not one twice', () => {
  expect(esm.GraphQLSchema).not.toBe(cjs.GraphQLSchema);
});

const SDL = `type Query {
  items: [Item!]!
  pick(first: Int = 3, after: String, ids: [ID!]): String
}
type Item { name: String  other: String }`;

describe.each([
  ['CommonJS', cjs],
  ['ESM', esm],
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
});

describe.each([
  ['CommonJS', cjs],
  ['ESM', esm],
])("graphql-js's answers (%s)", (_format, graphql) => {
  const schema = graphql.buildSchema(`type Query {
    name: String
    one: Item
    later: Item
    items: [Item]
  }
  type Item { id: ID  name: String }`);
  const rootValue = {
    name: 'top',
    one: { id: '1', name: 'first' },
    later: async () => ({ id: '2', name: 'second' }),
    items: () => [{ id: '3' }, Promise.resolve({ id: '4' })],
  };
  const run = async (source: string) => {
    const result = await graphql.graphql({ schema, source, rootValue });
    expect(result.errors).toBeUndefined();
    return result.data!;
  };

  it('are plain objects, whether their fields resolved at once or later', async () => {
    const data = await run('{ name one { id name } later { id } items { id } }');
    expect(JSON.stringify(data)).toBe(
      '{"name":"top","one":{"id":"1","name":"first"},"later":{"id":"2"},"items":[{"id":"3"},{"id":"4"}]}',
    );
    const objects = [data, data['one'], data['later'], ...(data['items'] as object[])];
    for (const object of objects) expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
  });

  it('keep their fields in the order asked, whichever resolved first', async () => {
    const result = await graphql.graphql({
      schema,
      source: '{ later { id } name slow: later { name } one { id } }',
      rootValue: {
        ...rootValue,
        later: () => new Promise((resolve) => setTimeout(() => resolve({ id: '2', name: 'n' }), 5)),
      },
    });
    expect(JSON.stringify(result)).toBe(
      '{"data":{"later":{"id":"2"},"name":"top","slow":{"name":"n"},"one":{"id":"1"}}}',
    );
  });

  it('fail a field that resolves later on its own, the others answered', async () => {
    const result = await graphql.graphql({
      schema,
      source: '{ name later { id } one { id } }',
      rootValue: { ...rootValue, later: () => Promise.reject(new Error('later failed')) },
    });
    expect(result.data).toEqual({ name: 'top', later: null, one: { id: '1' } });
    expect(result.errors?.map((e) => [e.message, e.path])).toEqual([['later failed', ['later']]]);
  });

  it('keep a response name that is a property of Object.prototype as a field of their own', async () => {
    const data = await run('{ constructor: name toString: name one { hasOwnProperty: id } }');
    expect(JSON.stringify(data)).toBe(
      '{"constructor":"top","toString":"top","one":{"hasOwnProperty":"1"}}',
    );
  });

  it('stay null-prototype where a response name is __proto__, so it is a field, not the prototype', async () => {
    const data = await run(
      '{ __proto__: one { id } later { __proto__: name } items { __proto__: id } }',
    );
    expect(JSON.stringify(data)).toBe(
      '{"__proto__":{"id":"1"},"later":{"__proto__":"second"},"items":[{"__proto__":"3"},{"__proto__":"4"}]}',
    );
    expect(Object.getPrototypeOf(data)).toBeNull();
    expect(Object.getPrototypeOf(data['later'])).toBeNull();
    for (const item of data['items'] as object[]) expect(Object.getPrototypeOf(item)).toBeNull();
  });
});
