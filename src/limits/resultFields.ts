import { Kind, type FieldNode, type ValidationRule, type ValueNode } from 'graphql';
import { MAX_REPRESENTATIONS } from '../plugins/entitiesLimit.js';
import { DEFAULT_FIRST, MAX_FIRST, MAX_IDS } from '../resolvers/args.js';
import { measuredLimitRule } from './measuredRule.js';

/**
 * Refuses operations whose answer could hold more than `max` fields. Depth
 * and alias limits do not bound the size of an answer: lists nest, so
 * `accounts(first: 100) { nodes { customer { accounts(first: 100) { … } } } }`
 * three levels down asks for a million accounts in about 40 tokens, served
 * from one upstream call. Each field counts once per item of every list
 * above it, and a list counts at the most it can hold: `first` as written
 * (30 when left out, 100 when a variable), `ids` and `representations` by
 * their items (100 when a variable). Measured once per document, so it costs
 * nothing per request.
 */
export function maxResultFieldsRule(max: number): ValidationRule {
  return measuredLimitRule(max, {
    code: 'MAX_RESULT_FIELDS',
    field: (node, inner) => listSize(node) * (1 + inner()),
    combine: (a, b) => a + b,
    message: (fields, limit) =>
      `The answer could hold ${fields} fields, counting each list at its largest; at most ${limit} are allowed.`,
  });
}

/** How many items the field's list can hold at most: 1 for a field that is not a sized list. */
function listSize(node: FieldNode): number {
  const argument = (name: string) => node.arguments?.find((a) => a.name.value === name)?.value;
  const ids = argument('ids');
  if (ids) return itemsOf(ids, MAX_IDS);
  const representations = argument('representations');
  if (representations) return itemsOf(representations, MAX_REPRESENTATIONS);
  const first = argument('first');
  if (first) return first.kind === Kind.INT ? clamp(Number(first.value), MAX_FIRST) : MAX_FIRST;
  // `Customer.accounts` without `first` (`Query.accounts` always has `ids`).
  return node.name.value === 'accounts' ? DEFAULT_FIRST : 1;
}

/** A list argument: its items; a single item is a list of one. */
function itemsOf(value: ValueNode, max: number): number {
  if (value.kind === Kind.LIST) return clamp(value.values.length, max);
  return value.kind === Kind.VARIABLE ? max : 1;
}

/** Beyond `max` is refused when the field runs; here it counts as `max`. */
function clamp(count: number, max: number): number {
  return Math.min(Math.max(count, 1), max);
}
