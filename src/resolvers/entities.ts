/**
 * `_entities` as @apollo/subgraph builds it, with one more check: a
 * representation whose `__typename` is not one of this subgraph's entities
 * fails only its own slot, with BAD_USER_INPUT. The library throws for an
 * unknown or missing type name, which fails the whole field as an internal
 * error (every valid representation with it, logged as unexpected), and it
 * takes any object type, `Money` say, for an entity.
 */
import { isUnionType, type GraphQLSchema } from 'graphql';
import { BadUserInputError } from '../errors.js';

export function withEntityTypeCheck(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()['_entities'];
  const union = schema.getType('_Entity');
  if (!field?.resolve || !isUnionType(union)) return schema;
  const entities = new Set(union.getTypes().map((type) => type.name));
  const message = `A representation's \`__typename\` must be one of ${[...entities].join(', ')}.`;
  const resolve = field.resolve;
  field.resolve = (source, args: { representations: unknown[] }, context, info) => {
    const { representations } = args;
    const known = representations.map((reference) => entities.has(typeNameOf(reference)));
    if (!known.includes(false)) return resolve(source, args, context, info);
    const valid = representations.filter((_, i) => known[i]);
    const resolved = resolve(source, { representations: valid }, context, info) as unknown[];
    let next = 0;
    // graphql-js fails a list item that is an Error on its own.
    return known.map((ok) => (ok ? resolved[next++] : new BadUserInputError(message)));
  };
  return schema;
}

function typeNameOf(reference: unknown): string {
  const name = (reference as { __typename?: unknown } | null)?.__typename;
  return typeof name === 'string' ? name : '';
}
