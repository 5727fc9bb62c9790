/**
 * Apollo Server's federated trace builder as patched (patches/README.md): it
 * keeps rows while fields resolve and makes the trace's nodes in stopTiming,
 * or encodes the trace straight from the rows. The first block covers the
 * cases the gateway's own requests do not reach (Apollo's usage reporting,
 * not installed here, calls the builder this way too); each tree it expects
 * is what the unpatched builder gives. The second holds the encoding from
 * rows to the bytes protobufjs writes from the nodes the first block checks.
 */
import { Trace } from '@apollo/usage-reporting-protobuf';
import fc from 'fast-check';
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

/** What the builder keeps per row; its times are set by hand below to reach every varint length. */
interface Rows {
  startTimes: (number | undefined)[];
  endTimes: (number | undefined)[];
}

/** A field of a generated response: a leaf, or an object (a list of `items` when set). */
interface Field {
  key: string;
  fieldName: string;
  items: number | undefined;
  children: Field[];
  settles: boolean;
}

// Response names need not be GraphQL names here: the encoder must write any
// string as UTF-8, with lengths past one varint byte.
const NAMES = ['id', 'balance', 'amount', 'näme', '名前', '🃏', 'x'.repeat(130)];
const nameArbitrary = fc.oneof(
  fc.constantFrom(...NAMES),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const fieldsArbitrary = fc.letrec<{ field: Field; fields: Field[] }>((tie) => ({
  field: fc.record({
    key: nameArbitrary,
    fieldName: nameArbitrary,
    items: fc.option(fc.nat(3), { nil: undefined }),
    children: tie('fields'),
    settles: fc.boolean(),
  }),
  fields: fc.oneof(
    { depthSize: 'small' },
    fc.constant<Field[]>([]),
    fc.array(tie('field'), { maxLength: 3 }),
  ),
})).fields;

/** Reports `fields` under `prev` as graphql-js resolves them: parents first, then their items' fields. */
function resolveAll(
  resolve: (
    path: Path,
    type: GraphQLOutputType,
    parent: GraphQLObjectType,
    name: string,
  ) => () => void,
  prev: Path | undefined,
  fields: Field[],
  parent: GraphQLObjectType,
) {
  for (const field of fields) {
    const path = at(prev, field.key);
    const isObject = field.children.length > 0;
    const type =
      isObject && field.items !== undefined
        ? new GraphQLList(Item)
        : isObject
          ? Item
          : GraphQLString;
    const end = resolve(path, type, parent, field.fieldName);
    if (isObject && field.items !== undefined) {
      for (let index = 0; index < field.items; index++) {
        resolveAll(resolve, at(path, index), field.children, Item);
      }
    } else if (isObject) {
      resolveAll(resolve, path, field.children, Item);
    }
    if (field.settles) end();
  }
}

/** The bytes from the rows are the bytes protobufjs writes from the nodes, once in field order. */
function expectSameTrace(trace: TraceTreeBuilder, nodes: () => void) {
  const fromRows = trace.encode();
  nodes();
  const fromNodes = Trace.encode(trace.trace).finish();
  // The rows put the root last; decoding and encoding again puts it in field order.
  expect(Buffer.from(Trace.encode(Trace.decode(fromRows)).finish())).toEqual(
    Buffer.from(fromNodes),
  );
}

// Any time up to 2^53, and the edges: of each varint size (2^7k), of 32
// bits (where protobufjs changes how it writes a number) and of 2^53.
const EDGES = [1, 2, 3, 4, 5, 6, 7].flatMap((k) => [2 ** (7 * k) - 1, 2 ** (7 * k)]);
const timeArbitrary = fc.oneof(
  fc.maxSafeNat(),
  fc.constantFrom(0, ...EDGES, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1),
);

describe('the federated trace encoded from its rows', () => {
  /** A builder stopped without nodes; `nodes()` makes them as stopTiming would have. */
  function recorded(fields: Field[]) {
    const trace = new TraceTreeBuilder({ maskedBy: 'test', sendErrors: { unmodified: true } });
    trace.startTiming();
    resolveAll(
      (path, returnType, parentType, fieldName) =>
        trace.willResolveField({ path, returnType, parentType, fieldName } as GraphQLResolveInfo),
      undefined,
      fields,
      Query,
    );
    trace.stopTiming({ nodes: false });
    const internals = trace as unknown as { fields: Rows; buildNodes(): void };
    return { trace, rows: internals.fields, nodes: () => internals.buildNodes() };
  }

  it('is the trace protobufjs encodes from the nodes, field for field', () => {
    fc.assert(
      fc.property(fieldsArbitrary, fc.array(timeArbitrary, { minLength: 1 }), (fields, times) => {
        const { trace, rows, nodes } = recorded(fields);
        // Times of 1 to 8 varint bytes, in place of the nanoseconds measured.
        rows.startTimes = rows.startTimes.map((t, i) =>
          t === undefined ? t : times[i % times.length],
        );
        rows.endTimes = rows.endTimes.map((t, i) =>
          t === undefined ? t : times[(i + 1) % times.length],
        );
        expectSameTrace(trace, nodes);
      }),
      { numRuns: 300 },
    );
  });

  it('writes list indices past one varint byte', () => {
    const leaf: Field = {
      key: 'id',
      fieldName: 'id',
      items: undefined,
      children: [],
      settles: true,
    };
    const { trace, nodes } = recorded([
      { key: 'grid', fieldName: 'grid', items: 200, children: [leaf], settles: true },
    ]);
    const items = Trace.decode(trace.encode()).root!.child![0]!.child!;
    expect(items.map((item) => item.index)).toEqual([...Array(200).keys()]);
    expectSameTrace(trace, nodes);
  });

  it('encodes an empty trace and a trace with a query plan', () => {
    const empty = recorded([]);
    expect(Trace.decode(empty.trace.encode()).root).toEqual(new Trace.Node());
    const planned = recorded([
      { key: 'id', fieldName: 'id', items: undefined, children: [], settles: true },
    ]);
    planned.trace.trace.queryPlan = new Trace.QueryPlanNode({
      fetch: new Trace.QueryPlanNode.FetchNode({ serviceName: 'enfuce' }),
    });
    const decoded = Trace.decode(planned.trace.encode());
    expect(decoded.queryPlan?.fetch?.serviceName).toBe('enfuce');
    expect(decoded.root?.child?.map((child) => child.responseName)).toEqual(['id']);
  });

  it('makes the nodes when an error needs one, and encodes those', () => {
    const { trace, resolve } = builder();
    resolve(at(undefined, 'grid'), Query.getFields().grid!.type, Query)();
    trace.didEncounterErrors([new GraphQLError('grid', { path: ['grid'] })]);
    trace.stopTiming({ nodes: false });
    expect(shape(trace.trace.root!)).toEqual(['', ['grid+', '!grid']]);
    expect(Buffer.from(trace.encode())).toEqual(Buffer.from(Trace.encode(trace.trace).finish()));
  });

  it('is not made before stopTiming', () => {
    const { trace } = builder();
    expect(() => trace.encode()).toThrow(/encode called before stopTiming/);
  });
});
