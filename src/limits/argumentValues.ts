/**
 * Argument values as execution will see them, read before execution: for
 * limits that depend on variables (how many ids, how large a page), which
 * validation cannot know because it runs once per cached document.
 */
import { Kind, type DirectiveNode, type OperationDefinitionNode, type ValueNode } from 'graphql';

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
 * How many items a list argument has: a single item is a list of one, null
 * none. A variable the request leaves out takes its declared default, as in
 * execution.
 */
export function listLength(value: ValueNode, variables: Variables): number {
  return listItems(value, variables).length;
}

/**
 * The items of a list argument before execution coerces them: a variable's
 * as the request sent them, a literal's strings and numbers as their text
 * and booleans as such; any other literal as undefined, for execution to
 * refuse or read as null.
 */
export function listItems(value: ValueNode, variables: Variables): unknown[] {
  if (value.kind === Kind.VARIABLE) {
    const name = value.name.value;
    if (Object.hasOwn(variables.given, name)) {
      const given = variables.given[name];
      return Array.isArray(given) ? given : given == null ? [] : [given];
    }
    const fallback = variables.defaults.get(name);
    return fallback ? listItems(fallback, variables) : [];
  }
  if (value.kind === Kind.LIST) return value.values.map((item) => scalarValue(item, variables));
  return value.kind === Kind.NULL ? [] : [scalarValue(value, variables)];
}

/** A scalar argument's value: a string, a number, a boolean or undefined. */
function scalarValue(value: ValueNode, variables: Variables): unknown {
  switch (value.kind) {
    case Kind.VARIABLE: {
      const name = value.name.value;
      if (Object.hasOwn(variables.given, name)) return variables.given[name];
      const fallback = variables.defaults.get(name);
      return fallback ? scalarValue(fallback, variables) : undefined;
    }
    case Kind.STRING:
    case Kind.INT:
    case Kind.BOOLEAN:
      return value.value;
    default:
      return undefined;
  }
}

/** Whether `@skip` or `@include` leaves `node` out, as execution decides. */
export function isSkipped(
  node: { directives?: readonly DirectiveNode[] | undefined },
  variables: Variables,
): boolean {
  for (const directive of node.directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const condition = directive.arguments?.find((argument) => argument.name.value === 'if');
    const value = condition && scalarValue(condition.value, variables);
    if (value === (name === 'skip')) return true;
  }
  return false;
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
