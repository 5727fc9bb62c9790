/**
 * Argument values as execution will see them, read before execution: for
 * limits that depend on variables (how many ids, how large a page), which
 * validation cannot know because it runs once per cached document.
 */
import { Kind, type OperationDefinitionNode, type ValueNode } from 'graphql';

/** What a request gave for its variables, and what the operation declares as defaults. */
export interface Variables {
  given: Readonly<Record<string, unknown>>;
  defaults: ReadonlyMap<string, ValueNode>;
}

export function variablesOf(
  operation: OperationDefinitionNode,
  given: Readonly<Record<string, unknown>>,
): Variables {
  const defaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue)
      defaults.set(definition.variable.name.value, definition.defaultValue);
  }
  return { given, defaults };
}

/**
 * The items of a list argument: a single item is a list of one, null none. A
 * variable the request leaves out takes its declared default, as in execution.
 */
export function listLength(value: ValueNode, variables: Variables): number {
  if (value.kind === Kind.VARIABLE) {
    const name = value.name.value;
    if (Object.hasOwn(variables.given, name)) {
      const given = variables.given[name];
      return Array.isArray(given) ? given.length : given == null ? 0 : 1;
    }
    const fallback = variables.defaults.get(name);
    return fallback ? listLength(fallback, variables) : 0;
  }
  if (value.kind === Kind.LIST) return value.values.length;
  return value.kind === Kind.NULL ? 0 : 1;
}

/** An Int argument's value; undefined when it has none, or none that is an integer. */
export function intValue(value: ValueNode, variables: Variables): number | undefined {
  if (value.kind === Kind.VARIABLE) {
    const name = value.name.value;
    if (Object.hasOwn(variables.given, name)) {
      const given = variables.given[name];
      return Number.isInteger(given) ? (given as number) : undefined;
    }
    const fallback = variables.defaults.get(name);
    return fallback ? intValue(fallback, variables) : undefined;
  }
  return value.kind === Kind.INT ? Number(value.value) : undefined;
}
