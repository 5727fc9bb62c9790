/**
 * Compiled execution (graphql-jit) behind `GRAPHQL_JIT=true`.
 *
 * Apollo Server 5 has no executor option; its `gateway` interface is the one
 * supported place to put another executor. This "gateway" serves the local
 * subgraph schema and runs each operation through a query compiled once per
 * parsed document and operation name. Apollo still parses, validates and
 * caches documents, and runs every plugin hook except per-field ones (the
 * gateway disables those anyway).
 *
 * graphql-js still answers where graphql-jit 0.8 would answer differently,
 * so that both paths give a client the same bytes:
 * - an operation Apollo could not resolve (an unknown or missing name):
 *   graphql-js says why, and Apollo answers 400, as on the default path;
 * - variables: graphql-js coerces them first; graphql-jit's own coercion
 *   refuses a default on a non-null variable and reports errors Apollo
 *   cannot format (they became internal errors);
 * - a document with `@skip` or `@include`: graphql-jit orders the fields of
 *   the answer by their first occurrence, skipped ones included;
 * - a document that passes a nullable variable (allowed by its default) to a
 *   non-null argument: graphql-jit's error for a null there has no path and
 *   no `extensions`, on which Apollo's formatting fails;
 * - a field answered under the key `__proto__` (an alias): graphql-jit
 *   builds the answer with plain assignments, which drop it;
 * - a literal with a field named `__proto__`, or a variable inside a custom
 *   scalar's literal (an `_Any` representation written in the query):
 *   graphql-jit writes the literal into its code, where `__proto__` sets a
 *   prototype, and parses it without the variables;
 * - a request for a federated trace (`apollo-federation-include-trace`);
 * - anything graphql-jit cannot compile.
 *
 * A document runs on graphql-js for its first `compileAfterRuns` runs and
 * is compiled only on the next: compiling a new document costs two to five
 * times what parsing and validating it does (`bench/micro/jitCompile.ts`),
 * so a client sending a new document each time (a comment changed) would
 * otherwise buy that work, and a compiled query held in memory, with every
 * request.
 *
 * Errors graphql-jit reports without `extensions` are rebuilt as graphql-js
 * errors, so they are masked and logged as on the default path. Three
 * differences stay: when several non-null fields or items of a non-null
 * list fail under the same nullable parent, graphql-js reports the first
 * failure and graphql-jit each one (the data is the same); graphql-jit
 * lists the errors of nullable fields before those of non-null ones, where
 * graphql-js lists them as they happen; and when a non-null field's
 * resolver throws before it awaits anything (`Customer.accounts` refusing
 * its arguments), graphql-js resolves none of the fields after it in that
 * selection and graphql-jit resolves them all, which may make their
 * upstream calls (the data is the same).
 */
import type {
  GatewayExecutor,
  GatewayInterface,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import {
  BREAK,
  GraphQLError,
  Kind,
  TypeInfo,
  execute,
  getVariableValues,
  isNonNullType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { createMeasurer, fragmentsOf } from '../limits/fragments.js';

type Compiled = Pick<CompiledQuery, 'query'>;

const TRACE_HEADER = 'apollo-federation-include-trace';

export interface JitOptions {
  /** Runs of a document on graphql-js before it is compiled; 0 compiles it on its first. */
  compileAfterRuns: number;
  /**
   * How much compiled code is kept, the least recently run operation's
   * forgotten first (and compiled again after `compileAfterRuns` more
   * runs), in characters of query text: a compiled query keeps about 100
   * times its text on the heap (`npx tsx --expose-gc
   * bench/micro/jitCompile.ts`), and Apollo's document cache bounds only
   * the documents (30 MiB of them), not what is compiled from them. Each
   * compiled operation weighs its document's text, or FIELD_CHARS for every
   * field it selects with its fragments spread out, whichever is more: a
   * document of many operations, or of fragments spread many times, is
   * compiled into more than its text suggests. An operation that weighs
   * more than this runs on graphql-js. The default keeps a few hundred
   * typical operations, about 13 MB.
   * @default 131072
   */
  maxCompiledChars?: number;
}

/** What a field selected costs in characters of text: about as many as it takes to write one. */
const FIELD_CHARS = 10;

/** A compiled operation, and whether its variables must reach it on a null-prototype object. */
interface CompiledOperation {
  compiled: Compiled;
  /**
   * graphql-jit reads each variable by name once it has checked the object
   * has it: on a plain object an omitted `$toString` would be
   * Object.prototype's function.
   */
  nullPrototypeVariables: boolean;
}

export function jitGateway(
  schema: GraphQLSchema,
  { compileAfterRuns, maxCompiledChars = 128 * 1024 }: JitOptions,
): GatewayInterface {
  // Apollo's document store hands out the same DocumentNode for the same
  // query text, and so the same node for each of its operations. Run counts
  // live as long as Apollo keeps the document: a number, the runs so far on
  // graphql-js; `null`, graphql-js answers this one for good (see above).
  const runsByOperation = new WeakMap<OperationDefinitionNode, number | null>();
  const compiledByOperation = new LRUCache<OperationDefinitionNode, CompiledOperation>({
    maxSize: maxCompiledChars,
  });

  const compiledFor = (
    document: DocumentNode,
    operation: OperationDefinitionNode,
  ): CompiledOperation | null => {
    const cached = compiledByOperation.get(operation);
    if (cached !== undefined) return cached;
    const known = runsByOperation.get(operation);
    if (known === null) return null;
    const runs = known ?? 0;
    if (runs < compileAfterRuns) {
      runsByOperation.set(operation, runs + 1);
      return null;
    }
    const weight = weightOf(document, operation);
    const result =
      weight > maxCompiledChars || answeredDifferently(schema, document)
        ? undefined
        : compileQuery(schema, document, operation.name?.value);
    if (result === undefined || !isCompiledQuery(result)) {
      runsByOperation.set(operation, null);
      return null;
    }
    // Forgotten from the cache, it starts counting its runs again.
    runsByOperation.delete(operation);
    const entry: CompiledOperation = {
      compiled: result,
      nullPrototypeVariables: (operation.variableDefinitions ?? []).some(
        (definition) => definition.variable.name.value in Object.prototype,
      ),
    };
    compiledByOperation.set(operation, entry, { size: weight });
    return entry;
  };

  const executor: GatewayExecutor = async ({ document, operation, request, context }) => {
    const variableValues = request.variables ?? {};
    // graphql-js coerces the variables as sent.
    const interpreted = (operationName: string | null | undefined) =>
      execute({ schema, document, contextValue: context, variableValues, operationName });
    // Unresolved: with the name asked for, graphql-js says why.
    if (operation === undefined) return interpreted(request.operationName);
    // A federated trace times every field through resolvers Apollo wraps on
    // the first traced request; a query compiled before holds the bare ones.
    if (request.http?.headers.get(TRACE_HEADER) === 'ftv1')
      return interpreted(operation.name?.value);
    const entry = compiledFor(document, operation);
    if (entry === null) return interpreted(operation.name?.value);
    // At most 50 errors, as graphql-js's own execute() asks for.
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues, {
      maxErrors: 50,
    });
    if (coerced.errors) return { errors: coerced.errors };
    const variables = entry.nullPrototypeVariables
      ? Object.assign(Object.create(null) as object, coerced.coerced)
      : coerced.coerced;
    const result = (await entry.compiled.query(undefined, context, variables)) as ExecutionResult;
    return result.errors?.some(lacksExtensions)
      ? { ...result, errors: result.errors.map(withExtensions) }
      : result;
  };

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

/**
 * graphql-jit's error for a thrown error without `extensions` (a plain
 * `Error`, a null in a non-null field) has none either; Apollo's formatting
 * fails on that before `formatError` can mask and log it.
 */
const lacksExtensions = (error: GraphQLError): boolean => error.extensions === undefined;

function withExtensions(error: GraphQLError): GraphQLError {
  if (!lacksExtensions(error)) return error;
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError,
  });
  return Object.assign(rebuilt, { locations: error.locations });
}

/** What `operation` compiled weighs in the cache (JitOptions.maxCompiledChars), at least 1. */
function weightOf(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = fragmentsOf(document);
  const fields = createMeasurer((name) => fragments.get(name), {
    field: (_node, inner) => 1 + inner(),
    combine: (a, b) => a + b,
  })(operation.selectionSet);
  return Math.max(1, document.loc?.end ?? Infinity, FIELD_CHARS * fields);
}

/** Whether graphql-jit could answer `document` otherwise than graphql-js (see above). */
function answeredDifferently(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  // Every operation's first: a fragment may come before the operation whose
  // variable it uses.
  const nullableVariables = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      if (variable.type.kind !== Kind.NON_NULL_TYPE)
        nullableVariables.add(variable.variable.name.value);
    }
  }
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Variable(node) {
        // Inside a custom scalar's object literal (an `_Any` representation
        // written in the query), where graphql-jit parses the literal
        // without the variables and reads it as undefined.
        if (typeInfo.getInputType() === undefined) {
          found = true;
          return BREAK;
        }
        if (!isNonNullType(typeInfo.getInputType())) return undefined;
        if (!nullableVariables.has(node.name.value)) return undefined;
        found = true;
        return BREAK;
      },
      Directive(node) {
        if (node.name.value !== 'skip' && node.name.value !== 'include') return undefined;
        found = true;
        return BREAK;
      },
      Field(node) {
        if ((node.alias ?? node.name).value !== '__proto__') return undefined;
        found = true;
        return BREAK;
      },
      // In a literal graphql-jit writes into its code, `{"__proto__": …}`
      // sets the object's prototype instead of a key.
      ObjectField(node) {
        if (node.name.value !== '__proto__') return undefined;
        found = true;
        return BREAK;
      },
    }),
  );
  return found;
}
