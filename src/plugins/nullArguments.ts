/**
 * Refuses a variable sent as null where a non-null root field takes a
 * non-null argument, or a list of non-null items: `accounts(ids:)` and
 * `_entities(representations:)`. Validation lets a variable with a default
 * stand there; execution would refuse the null only as the field runs, and
 * the field being non-null, its error would null the whole answer after
 * the fields beside it had made their calls. Refused here, none are made.
 *
 * The same for `@skip(if:)` and `@include(if:)`, anywhere in the operation
 * or the fragments it spreads: graphql-js refuses a null condition as it
 * gathers a selection's fields, which at the root fails the whole answer
 * with HTTP 200, and deeper fails the parent field after its upstream call
 * was made. Refused here even where execution would never reach it (under
 * a parent that turns out null): a null condition is a mistake wherever
 * it stands.
 */
import {
  isListType,
  isNonNullType,
  Kind,
  visit,
  type ASTNode,
  type DocumentNode,
  type OperationDefinitionNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
  type VariableNode,
} from 'graphql';
import { BadUserInputError } from '../errors.js';
import { fragmentsOf } from '../limits/fragments.js';
import type { OperationCheck } from './operationChecks.js';

/** How an argument refuses null: as a whole, and in its list's items. */
interface NullRefusal {
  readonly whole: boolean;
  readonly items: boolean;
}

export function nullArgumentsCheck(schema: GraphQLSchema): OperationCheck {
  const refusals = nonNullArgumentsOfNonNullRoots(schema);
  return (checked) => {
    const sentNull = (value: ValueNode): value is VariableNode =>
      value.kind === Kind.VARIABLE && checked.given[value.name.value] === null;
    // Most requests send no null at all, and need no walk of the document.
    if (Object.values(checked.given).includes(null))
      refuseNullConditions(checked.definition, checked.document, sentNull);
    for (const field of checked.queryRootFields) {
      const ofField = refusals.get(field.name.value);
      if (!ofField) continue;
      for (const argument of field.arguments ?? []) {
        const refusal = ofField.get(argument.name.value);
        if (!refusal) continue;
        const { value } = argument;
        const name = argument.name.value;
        const variable =
          value.kind === Kind.LIST
            ? refusal.items && value.values.find(sentNull)
            : refusal.whole && sentNull(value) && value;
        if (!variable) continue;
        const where =
          value.kind === Kind.LIST ? `${name}[${value.values.indexOf(variable)}]` : name;
        throw new BadUserInputError(
          `\`${where}\` must not be null, and \`$${variable.name.value}\` was sent as null.`,
          { status: 400 },
          field,
        );
      }
    }
  };
}

/** Refuses a null condition in the operation, or in a fragment it spreads. */
function refuseNullConditions(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  sentNull: (value: ValueNode) => value is VariableNode,
): void {
  const fragments = fragmentsOf(document);
  const spread = new Set<string>();
  const pending: ASTNode[] = [operation];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    visit(node, {
      FragmentSpread({ name }) {
        const fragment = fragments.get(name.value);
        if (fragment && !spread.has(name.value)) {
          spread.add(name.value);
          pending.push(fragment);
        }
      },
      Directive(directive) {
        const name = directive.name.value;
        if (name !== 'skip' && name !== 'include') return;
        const condition = directive.arguments?.find((argument) => argument.name.value === 'if');
        if (condition && sentNull(condition.value)) {
          throw new BadUserInputError(
            `\`@${name}(if:)\` must not be null, and \`$${condition.value.name.value}\` was sent as null.`,
            { status: 400 },
            directive,
          );
        }
      },
    });
  }
}

/** Root field name → argument name → how it refuses null; only fields whose error nulls the answer. */
function nonNullArgumentsOfNonNullRoots(
  schema: GraphQLSchema,
): ReadonlyMap<string, ReadonlyMap<string, NullRefusal>> {
  const refusals = new Map<string, Map<string, NullRefusal>>();
  for (const field of Object.values(schema.getQueryType()?.getFields() ?? {})) {
    if (!isNonNullType(field.type)) continue;
    const ofField = new Map<string, NullRefusal>();
    for (const argument of field.args) {
      const refusal = {
        whole: isNonNullType(argument.type),
        items: hasNonNullItems(argument.type),
      };
      if (refusal.whole || refusal.items) ofField.set(argument.name, refusal);
    }
    if (ofField.size > 0) refusals.set(field.name, ofField);
  }
  return refusals;
}

function hasNonNullItems(type: GraphQLInputType): boolean {
  const list = isNonNullType(type) ? type.ofType : type;
  return isListType(list) && isNonNullType(list.ofType);
}
