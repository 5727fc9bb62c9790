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
  const read = readArgument(value, variables);
  if (read === undefined) return [];
  if ('given' in read) {
    const { given } = read;
    return Array.isArray(given) ? given : given == null ? [] : [given];
  }
  const { literal } = read;
  if (literal.kind === Kind.LIST) return literal.values.map((item) => scalarValue(item, variables));
  return literal.kind === Kind.NULL ? [] : [scalarValue(literal, variables)];
}

/** A scalar argument's value: a string, a number, a boolean or undefined. */
function scalarValue(value: ValueNode, variables: Variables): unknown {
  const read = readArgument(value, variables);
  if (read === undefined) return undefined;
  if ('given' in read) return read.given;
  const { literal } = read;
  return literal.kind === Kind.STRING || literal.kind === Kind.INT || literal.kind === Kind.BOOLEAN
    ? literal.value
    : undefined;
}

/**
 * What execution reads for an argument: for a variable, the request's value
 * or else its declared default (a literal, never a variable); otherwise the
 * literal itself. Undefined for a variable with neither.
 */
function readArgument(
  value: ValueNode,
  variables: Variables,
): { given: unknown } | { literal: ValueNode } | undefined {
  if (value.kind !== Kind.VARIABLE) return { literal: value };
  const name = value.name.value;
  if (Object.hasOwn(variables.given, name)) return { given: variables.given[name] };
  const fallback = variables.defaults.get(name);
  return fallback && { literal: fallback };
}

/** No variables sent and none declared with a default: for limits measured before they are known. */
export const NO_VARIABLES: Variables = { given: {}, defaults: new Map() };

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
  const read = readArgument(value, variables);
  if (read === undefined) return undefined;
  if ('given' in read) return Number.isInteger(read.given) ? (read.given as number) : undefined;
  return read.literal.kind === Kind.INT ? Number(read.literal.value) : undefined;
}
