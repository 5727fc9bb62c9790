/**
 * Refuses operations whose answer could hold more than `MAX_RESULT_FIELDS`
 * fields. Depth and alias limits do not bound the size of an answer: lists
 * nest, so `accounts(first: 100) { nodes { customer { accounts(first: 100) {
 * … } } } }` three levels down asks for a million accounts in about 40
 * tokens, served from one upstream call. A field counts once for every item
 * the lists above it can hold: `first` (30 when left out), `ids` and
 * `representations` by their items. It is an upper bound: a connection's own
 * fields (`pageInfo`) count as if they were items.
 *
 * Variables decide how long lists are (a router always sends
 * `_entities(representations: $representations)`), so the count is taken
 * once they are known, before anything executes. Most operations stay under
 * the limit even with every variable at its largest; that bound is measured
 * once per cached document, so such operations cost a lookup per request.
 */
import { Kind, type DocumentNode, type FieldNode, type OperationDefinitionNode } from 'graphql';
import {
  intValue,
  isSkipped,
  listLength,
  NO_VARIABLES,
  type Variables,
} from '../limits/argumentValues.js';
import { createMeasurer, fragmentsOf } from '../limits/fragments.js';
import { limitErrorBeforeExecution } from '../limits/limitError.js';
import { DEFAULT_FIRST, MAX_FIRST, MAX_IDS } from '../resolvers/args.js';
import { MAX_REPRESENTATIONS } from './entitiesLimit.js';
import type { OperationCheck } from './operationChecks.js';

/** The arguments that size a list, and the most items each allows (more is refused: `first` as it runs, the others before). */
const LARGEST: Readonly<Record<string, number>> = {
  first: MAX_FIRST,
  ids: MAX_IDS,
  representations: MAX_REPRESENTATIONS,
};

export function resultFieldsLimit(max: number): OperationCheck {
  const upperBounds = new WeakMap<OperationDefinitionNode, number>();
  return (checked) => {
    const { definition, document } = checked;
    let bound = upperBounds.get(definition);
    if (bound === undefined) {
      bound = measure(definition, document, undefined);
      upperBounds.set(definition, bound);
    }
    if (bound <= max) return;
    const fields = measure(definition, document, checked.variables);
    if (fields <= max) return;
    throw limitErrorBeforeExecution(
      `The answer could hold up to ${fields} fields, each list counted at its largest; at most ${max} are allowed.`,
      'MAX_RESULT_FIELDS',
      definition,
    );
  };
}

/** The fields the operation's answer could hold; without variables, every variable at its largest. */
function measure(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  variables: Variables | undefined,
): number {
  const fragments = fragmentsOf(document);
  const walk = createMeasurer((name) => fragments.get(name), {
    field: (node, inner) => listSize(node, variables) * (1 + inner()),
    combine: (a, b) => a + b,
    // What execution leaves out is not in the answer; a condition not known
    // yet counts as included.
    skips: (selection) => isSkipped(selection, variables ?? NO_VARIABLES),
  });
  return walk(operation.selectionSet);
}

/** How many items the field's list can hold; 1 for a field that is not a sized list. */
function listSize(node: FieldNode, variables: Variables | undefined): number {
  for (const { name, value } of node.arguments ?? []) {
    const largest = LARGEST[name.value];
    if (largest === undefined) continue;
    if (variables === undefined && value.kind === Kind.VARIABLE) return largest;
    const known = variables ?? NO_VARIABLES;
    const size =
      name.value === 'first' ? (intValue(value, known) ?? DEFAULT_FIRST) : listLength(value, known);
    return Math.min(Math.max(size, 1), largest);
  }
  // `Customer.accounts` without `first` (`Query.accounts` always has `ids`).
  return node.name.value === 'accounts' ? DEFAULT_FIRST : 1;
}
