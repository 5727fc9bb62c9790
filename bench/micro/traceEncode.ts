/**
 * What a federated trace (ftv1) costs to record and encode, outside any
 * request: `NODE_ENV=production npx tsx bench/micro/traceEncode.ts`
 * (graphql-js checks types more slowly otherwise) prints microseconds per
 * trace of the benchmark's `_entities` answer (35 accounts of 14 fields, 15
 * customers: 506 fields, 556 rows with the list's items) for Apollo
 * Server's trace builder as patched (patches/README.md): recording the
 * fields alone, then recording and encoding from the rows, as the gateway
 * does, and recording, making the nodes and encoding them with protobufjs,
 * as Apollo Server does unpatched.
 */
import { Trace } from '@apollo/usage-reporting-protobuf';
import {
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
} from 'graphql';
// Not among the package's exports: imported by file, as Apollo's plugins import it.
import { TraceTreeBuilder } from '../../node_modules/@apollo/server/dist/esm/plugin/traceTreeBuilder.js';
import { microsEach, printInterleaved } from './interleaved.js';

type Path = GraphQLResolveInfo['path'];

const Money = new GraphQLObjectType({
  name: 'Money',
  fields: { amount: { type: GraphQLString }, currency: { type: GraphQLString } },
});
const Reference = new GraphQLObjectType({
  name: 'PaymentReference',
  fields: { type: { type: GraphQLString }, number: { type: GraphQLString } },
});
const Account = new GraphQLObjectType({ name: 'Account', fields: { id: { type: GraphQLString } } });
const Customer = new GraphQLObjectType({
  name: 'Customer',
  fields: { id: { type: GraphQLString } },
});
const Query = new GraphQLObjectType({ name: 'Query', fields: { id: { type: GraphQLString } } });
const ENTITIES = new GraphQLNonNull(new GraphQLList(Account));
const LEAVES = ['id', 'number', 'status', 'currency', 'customerId'];
const OBJECTS: [string, GraphQLObjectType, string[]][] = [
  ['balance', Money, ['amount', 'currency']],
  ['available', Money, ['amount', 'currency']],
  ['paymentReference', Reference, ['type', 'number']],
];

/** A builder that has recorded the answer's fields, each settled as it resolved. */
function recorded(): TraceTreeBuilder {
  const trace = new TraceTreeBuilder({ maskedBy: 'bench', sendErrors: { masked: true } });
  trace.startTiming();
  const field = (
    prev: Path | undefined,
    key: string,
    type: GraphQLOutputType,
    parent: GraphQLObjectType,
  ) => {
    const path: Path = { prev, key, typename: undefined };
    const info = { path, fieldName: key, returnType: type, parentType: parent };
    trace.willResolveField(info as GraphQLResolveInfo)();
    return path;
  };
  const root = field(undefined, '_entities', ENTITIES, Query);
  for (let index = 0; index < 50; index++) {
    const item: Path = { prev: root, key: index, typename: undefined };
    if (index >= 35) {
      field(item, 'id', GraphQLString, Customer);
      continue;
    }
    for (const leaf of LEAVES) field(item, leaf, GraphQLString, Account);
    for (const [name, type, leaves] of OBJECTS) {
      const object = field(item, name, type, Account);
      for (const leaf of leaves) field(object, leaf, GraphQLString, type);
    }
  }
  return trace;
}

const cases: [string, () => unknown][] = [
  ['recording 506 fields (556 rows)', () => recorded()],
  [
    'recording, encoding from the rows',
    () => {
      const trace = recorded();
      trace.stopTiming({ nodes: false });
      return trace.encode();
    },
  ],
  [
    'recording, nodes, protobufjs',
    () => {
      const trace = recorded();
      trace.stopTiming();
      return Trace.encode(trace.trace).finish();
    },
  ],
];

printInterleaved(cases, (make) => microsEach(make, 2000), 'trace');
