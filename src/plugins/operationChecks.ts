/**
 * The checks an operation must pass once its variables are known and before
 * anything executes, so that a refused operation makes no upstream call:
 * ids sent as inexact JSON numbers (exactIds.ts), a null variable where a
 * non-null root field refuses it (nullArguments.ts), unusable
 * `accounts(ids:)` (accountIds.ts), too many `_entities` representations
 * (entitiesLimit.ts), an answer that could be too large
 * (resultFieldsLimit.ts). One plugin with one listener for all of them:
 * Apollo Server calls every request listener at each stage of every request.
 */
import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import type { DocumentNode, FieldNode, OperationDefinitionNode } from 'graphql';
import { variablesOf, type Variables } from '../limits/argumentValues.js';
import { rootFieldsOf } from '../limits/operationRoot.js';

/** Throws the error the operation is refused with; returns when it may run. */
export type OperationCheck = (checked: CheckedOperation) => void;

/**
 * One request's operation as the checks read it. What several of them need
 * is worked out on first use, once per request.
 */
export class CheckedOperation {
  #variables: Variables | undefined;
  #queryRootFields: readonly FieldNode[] | undefined;

  constructor(
    readonly definition: OperationDefinitionNode,
    readonly document: DocumentNode,
    /** The variables as the request sent them. */
    readonly given: Readonly<Record<string, unknown>>,
  ) {}

  /** The variables as execution reads them: as sent, or else their declared defaults. */
  get variables(): Variables {
    return (this.#variables ??= variablesOf(this.definition, this.given));
  }

  /**
   * The root fields of a query as execution runs them, for the checks that
   * read root arguments (accountIds.ts, entitiesLimit.ts); none for a mutation.
   */
  get queryRootFields(): readonly FieldNode[] {
    return (this.#queryRootFields ??=
      this.definition.operation === 'query'
        ? rootFieldsOf(this.definition, this.document, this.variables)
        : []);
  }
}

export function operationChecksPlugin(checks: readonly OperationCheck[]): ApolloServerPlugin {
  // Holds nothing of a request's: one listener serves them all.
  const listener: GraphQLRequestListener<BaseContext> = {
    async didResolveOperation({ operation, document, request }) {
      // No operation (a wrong `operationName`): execution refuses it, without a call.
      if (!operation) return;
      const checked = new CheckedOperation(operation, document, request.variables ?? {});
      for (const check of checks) check(checked);
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}
