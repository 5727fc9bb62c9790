import { GraphQLError, type ASTNode } from 'graphql';

/**
 * A refused operation. Apollo Server turns validation errors into HTTP 400
 * with code GRAPHQL_VALIDATION_FAILED; `validationErrorCode` says which limit.
 */
export function limitError(message: string, limit: string, node?: ASTNode): GraphQLError {
  return new GraphQLError(message, {
    ...(node && { nodes: [node] }),
    extensions: { validationErrorCode: limit },
  });
}

/**
 * The same refusal from a plugin, once variables are known: Apollo Server
 * adds the code and the status only to errors of validation itself.
 */
export function limitErrorBeforeExecution(
  message: string,
  limit: string,
  node: ASTNode,
): GraphQLError {
  return new GraphQLError(message, {
    nodes: [node],
    extensions: {
      code: 'GRAPHQL_VALIDATION_FAILED',
      validationErrorCode: limit,
      http: { status: 400 },
    },
  });
}
