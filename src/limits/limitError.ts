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
