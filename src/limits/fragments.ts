/**
 * Measures a selection set with its fragments expanded, the way execution
 * sees it. Each fragment is measured once and remembered, so a fragment
 * spread a thousand times costs one walk, and a cycle (refused anyway by the
 * spec rule NoFragmentCycles) counts as nothing instead of recursing forever.
 *
 * Fragments are measured before the selections that spread them, in an
 * order found with an explicit stack: a chain of a few thousand fragments,
 * each spreading the next, must not take one stack frame per link (the
 * parser reads them one after another, so no limit on nesting stops it).
 */
import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

export interface Measure {
  /** The value of one field, given the measure of its sub-selection (0 when it has none). */
  field(node: FieldNode, inner: () => number): number;
  /** How sibling values combine: `Math.max` for depth, a sum for counts. */
  combine(a: number, b: number): number;
  /** Selections left out (by `@skip` or `@include`, once variables are known). @default none */
  skips?(selection: SelectionNode): boolean;
}

export function createMeasurer(
  getFragment: (name: string) => FragmentDefinitionNode | null | undefined,
  measure: Measure,
): (selectionSet: SelectionSetNode) => number {
  const known = new Map<string, number>();

  // Fragments not measured yet (or in a cycle) count as nothing here.
  const walk = (selectionSet: SelectionSetNode): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (measure.skips?.(selection)) continue;
      let value: number;
      if (selection.kind === Kind.FIELD) {
        const inner = selection.selectionSet;
        value = measure.field(selection, () => (inner ? walk(inner) : 0));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        value = walk(selection.selectionSet);
      } else {
        value = known.get(selection.name.value) ?? 0;
      }
      total = measure.combine(total, value);
    }
    return total;
  };

  /** Measures every fragment `selectionSet` reaches, each after the ones it spreads. */
  const measureFragmentsOf = (selectionSet: SelectionSetNode): void => {
    const open = new Set<string>();
    const stack: { name: string; definition: FragmentDefinitionNode; spreads: string[] }[] = [];
    const enter = (name: string) => {
      const definition = getFragment(name);
      if (!definition || known.has(name) || open.has(name)) return;
      open.add(name);
      stack.push({ name, definition, spreads: spreadsIn(definition.selectionSet) });
    };
    for (const name of spreadsIn(selectionSet)) {
      enter(name);
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const next = top.spreads.pop();
        if (next !== undefined) {
          enter(next);
          continue;
        }
        stack.pop();
        open.delete(top.name);
        known.set(top.name, walk(top.definition.selectionSet));
      }
    }
  };

  return (selectionSet) => {
    measureFragmentsOf(selectionSet);
    return walk(selectionSet);
  };
}

/** The names of the fragments spread anywhere in `selectionSet`, found without recursion. */
function spreadsIn(selectionSet: SelectionSetNode): string[] {
  const names: string[] = [];
  const pending = [selectionSet];
  for (let set = pending.pop(); set !== undefined; set = pending.pop()) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) names.push(selection.name.value);
      else if (selection.selectionSet) pending.push(selection.selectionSet);
    }
  }
  return names;
}

/** A document's fragments by name, for limits measured outside validation. */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  return fragments;
}
