/**
 * Refuses ID variables sent as JSON numbers beyond 2^53. JSON.parse has
 * already rounded them (9007199254740993 arrives as ...992), and graphql-js
 * would turn the rounded number into a different, valid-looking id.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type TypeNode } from 'graphql';
import { BadUserInputError } from '../errors.js';

export function exactIdsPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          const variables = request.variables ?? {};
          for (const definition of operation?.variableDefinitions ?? []) {
            const name = definition.variable.name.value;
            if (isIdType(definition.type) && hasUnsafeNumber(variables[name])) {
              throw new BadUserInputError(
                `Variable "$${name}" holds an id sent as a JSON number beyond 2^53, whose digits are already lost; send ids as strings.`,
                { status: 400 },
              );
            }
          }
        },
      };
    },
  };
}

function isIdType(type: TypeNode): boolean {
  return type.kind === Kind.NAMED_TYPE ? type.name.value === 'ID' : isIdType(type.type);
}

function hasUnsafeNumber(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isSafeInteger(value);
  return Array.isArray(value) && value.some(hasUnsafeNumber);
}
