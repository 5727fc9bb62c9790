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

/** Throws the error the operation is refused with; returns when it may run. */
export type OperationCheck = (
  request: GraphQLRequestContextDidResolveOperation<BaseContext>,
) => void;

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
