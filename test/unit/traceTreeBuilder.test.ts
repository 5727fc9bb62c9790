/**
 * Apollo Server's federated trace builder as patched (patches/README.md): it
 * keeps rows while fields resolve and makes the trace's nodes in stopTiming.
 * These are the cases the gateway's own requests do not reach (Apollo's usage
 * reporting, not installed here, calls the builder this way too); each
 * expected trace is what the unpatched builder gives.
 */
import type { Trace } from '@apollo/usage-reporting-protobuf';
import {
  GraphQLError,
  GraphQLList,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
} from 'graphql';
import { describe, expect, it } from 'vitest';
// Not among the package's exports: imported by file, as Apollo's plugins import it.
import { TraceTreeBuilder } from '../../node_modules/@apollo/server/dist/esm/plugin/traceTreeBuilder.js';

type Path = GraphQLResolveInfo['path'];

const Item = new GraphQLObjectType({ name: 'Item', fields: { name: { type: GraphQLString } } });
const Query = new GraphQLObjectType({
  name: 'Query',
  fields: { grid: { type: new GraphQLList(new GraphQLList(Item)) } },
});

/** Starts a builder; `resolve` reports one field as graphql-js would and returns its end. */
function builder() {
  const trace = new TraceTreeBuilder({ maskedBy: 'test', sendErrors: { unmodified: true } });
  trace.startTiming();
  const resolve = (path: Path, returnType: GraphQLOutputType, parentType: GraphQLObjectType) =>
    trace.willResolveField({
      path,
      returnType,
      parentType,
      fieldName: String(path.key),
    } as GraphQLResolveInfo) as () => void;
  return { trace, resolve };
}

const at = (prev: Path | undefined, key: string | number): Path => ({
  prev,
  key,
  typename: undefined,
});

/** Each node as its id, its errors and its children; `+` marks a field whose end was recorded. */
function shape(node: Trace.INode): unknown {
  const isItem = (node as Trace.Node).id === 'index';
  const id = `${isItem ? Number(node.index) : node.responseName}${Number(node.endTime) > 0 ? '+' : ''}`;
  const errors = (node.error ?? []).map((error) => `!${error.message}`);
  const children = (node.child ?? []).map(shape);
  return errors.length || children.length ? [id, ...errors, ...children] : id;
}

describe("the federated trace builder's tree", () => {
  it('puts each field under its list items, lists of lists included', () => {
    const { trace, resolve } = builder();
    const grid = at(undefined, 'grid');
    resolve(grid, Query.getFields().grid!.type, Query)();
    // graphql-js makes one path per list item, the `prev` of all its fields.
    const [row0, row1] = [at(grid, 0), at(grid, 1)];
    for (const item of [at(row0, 0), at(row0, 1), at(row1, 0)]) {
      resolve(at(item, 'name'), GraphQLString, Item)();
    }
    trace.stopTiming();
    expect(shape(trace.trace.root!)).toEqual([
      '',
      ['grid+', ['0', ['0', 'name+'], ['1', 'name+']], ['1', ['0', 'name+']]],
    ]);
  });

  it('attaches an error among the fields in the order it came, making the nodes its path lacks', () => {
    const { trace, resolve } = builder();
    const grid = at(undefined, 'grid');
    resolve(grid, Query.getFields().grid!.type, Query)();
    const row0 = at(grid, 0);
    resolve(at(at(row0, 0), 'name'), GraphQLString, Item)();
    trace.didEncounterErrors([
      new GraphQLError('item', { path: ['grid', 0, 1] }),
      new GraphQLError('request'),
    ]);
    resolve(at(at(row0, 2), 'name'), GraphQLString, Item)();
    trace.stopTiming();
    expect(shape(trace.trace.root!)).toEqual([
      '',
      '!request',
      ['grid+', ['0', ['0', 'name+'], ['1', '!item'], ['2', 'name+']]],
    ]);
  });

  it('gives a field that settles after stopTiming its end time', () => {
    const { trace, resolve } = builder();
    const end = resolve(at(undefined, 'grid'), Query.getFields().grid!.type, Query);
    trace.stopTiming();
    expect(shape(trace.trace.root!)).toEqual(['', 'grid']);
    end();
    expect(shape(trace.trace.root!)).toEqual(['', 'grid+']);
  });
});
