/**
 * Compiled execution (graphql-jit) behind `GRAPHQL_JIT=true`.
 *
 * Apollo Server 5 has no executor option; its `gateway` interface is the one
 * supported place to put another executor. This "gateway" serves the local
 * subgraph schema and runs each operation through a query compiled once per
 * parsed document and operation name. Apollo still parses, validates and
 * caches documents, and runs every plugin hook except per-field ones (the
 * gateway disables those anyway). An operation graphql-jit cannot compile
 * runs on graphql-js as before, and so does any operation that selects
 * `_entities`: graphql-jit 0.8 mis-sizes that list of union members when
 * some of them fail (an extra `null` per failed representation).
 */
import type {
  GatewayExecutor,
  GatewayInterface,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import {
  BREAK,
  execute,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Compiled = Pick<CompiledQuery, 'query'>;

export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  // Apollo's document store hands out the same DocumentNode for the same
  // query text, so compiled queries live exactly as long as cached documents.
  const compiledByDocument = new WeakMap<DocumentNode, Map<string, Compiled>>();

  const compiledFor = (document: DocumentNode, operationName: string | null): Compiled => {
    let byName = compiledByDocument.get(document);
    if (byName === undefined) {
      byName = new Map();
      compiledByDocument.set(document, byName);
    }
    const key = operationName ?? '';
    let compiled = byName.get(key);
    if (compiled === undefined) {
      const result = selectsEntities(document)
        ? undefined
        : compileQuery(schema, document, operationName ?? undefined);
      compiled =
        result !== undefined && isCompiledQuery(result)
          ? result
          : {
              query: (rootValue, contextValue, variableValues) =>
                execute({
                  schema,
                  document,
                  rootValue,
                  contextValue,
                  variableValues,
                  operationName,
                }),
            };
      byName.set(key, compiled);
    }
    return compiled;
  };

  const executor: GatewayExecutor = async (requestContext) =>
    (await compiledFor(requestContext.document, requestContext.operationName).query(
      undefined,
      requestContext.context,
      requestContext.request.variables ?? {},
    )) as ExecutionResult;

  return {
    onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}

function selectsEntities(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value !== '_entities') return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}
