/**
 * The checks an operation must pass once its variables are known and before
 * anything executes, so that a refused operation makes no upstream call:
 * ids sent as inexact JSON numbers (exactIds.ts), unusable `accounts(ids:)`
 * (accountIds.ts), too many `_entities` representations (entitiesLimit.ts),
 * an answer that could be too large (resultFieldsLimit.ts). One plugin with one listener for all of them:
 * Apollo Server calls every request listener at each stage of every request.
 */
import type {
  ApolloServerPlugin,
  BaseContext,
  GraphQLRequestContextDidResolveOperation,
  GraphQLRequestListener,
} from '@apollo/server';
import type { FieldNode } from 'graphql';
import { variablesOf, type Variables } from '../limits/argumentValues.js';
import { rootFieldsOf } from '../limits/operationRoot.js';

type CheckedRequest = GraphQLRequestContextDidResolveOperation<BaseContext>;

/** Throws the error the operation is refused with; returns when it may run. */
export type OperationCheck = (request: CheckedRequest) => void;

/** A query's root fields as execution will run them, and the variables they read. */
export interface QueryRoot {
  fields: readonly FieldNode[];
  variables: Variables;
}

const queryRoots = new WeakMap<CheckedRequest, QueryRoot>();

/**
 * The root of the request's query, worked out once per request for every
 * check that reads root arguments (accountIds.ts, entitiesLimit.ts);
 * undefined for a mutation or an unresolved operation.
 */
export function queryRootOf(request: CheckedRequest): QueryRoot | undefined {
  const { operation, document } = request;
  if (!operation || operation.operation !== 'query') return undefined;
  let root = queryRoots.get(request);
  if (root === undefined) {
    const variables = variablesOf(operation, request.request.variables ?? {});
    root = { fields: rootFieldsOf(operation, document, variables), variables };
    queryRoots.set(request, root);
  }
  return root;
}

export function operationChecksPlugin(checks: readonly OperationCheck[]): ApolloServerPlugin {
  // Holds nothing of a request's: one listener serves them all.
  const listener: GraphQLRequestListener<BaseContext> = {
    async didResolveOperation(request) {
      for (const check of checks) check(request);
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}
