/**
 * Measures a selection set with its fragments expanded, the way execution
 * sees it. Each fragment is measured once and remembered, so a fragment
 * spread a thousand times costs one walk, and a cycle (refused anyway by the
 * spec rule NoFragmentCycles) counts as nothing instead of recursing forever.
 */
import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export interface Measure {
  /** The value of one field, given the measure of its sub-selection (0 when it has none). */
  field(node: FieldNode, inner: () => number): number;
  /** How sibling values combine: `Math.max` for depth, a sum for counts. */
  combine(a: number, b: number): number;
}

export function createMeasurer(
  getFragment: (name: string) => FragmentDefinitionNode | null | undefined,
  measure: Measure,
): (selectionSet: SelectionSetNode) => number {
  const known = new Map<string, number>();
  const walking = new Set<string>();

  const walk = (selectionSet: SelectionSetNode): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      let value: number;
      if (selection.kind === Kind.FIELD) {
        const inner = selection.selectionSet;
        value = measure.field(selection, () => (inner ? walk(inner) : 0));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        value = walk(selection.selectionSet);
      } else {
        value = fragment(selection.name.value);
      }
      total = measure.combine(total, value);
    }
    return total;
  };

  const fragment = (name: string): number => {
    const cached = known.get(name);
    if (cached !== undefined) return cached;
    const definition = getFragment(name);
    if (!definition || walking.has(name)) return 0;
    walking.add(name);
    const value = walk(definition.selectionSet);
    walking.delete(name);
    known.set(name, value);
    return value;
  };

  return walk;
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
