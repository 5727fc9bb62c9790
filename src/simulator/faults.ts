/**
 * Switchable faults: rules added at run time decide, per request, whether the
 * simulator misbehaves and how (see FaultRule).
 */
import { parseFaultRule, type FaultRule } from './faultRule.js';
import { createRandom, type Random } from './random.js';
import type { RouteName } from './routes.js';

export type { FaultRule } from './faultRule.js';

/** A rule as stored, with its use count. */
export interface FaultRuleState {
  id: string;
  rule: FaultRule;
  /** Requests the rule has applied to so far. */
  hits: number;
  /** Uses left; `null` when unlimited. */
  remaining: number | null;
}

/** What a matched rule does to one request. */
export interface FaultDecision {
  ruleId: string;
  rule: FaultRule;
  /** The status for this request from `status` / `statuses`, if the rule sets one. */
  status: number | undefined;
}

/** Which request is asking: its route (undefined for unknown paths) and path id. */
export interface FaultTarget {
  route: RouteName | undefined;
  id: string | undefined;
}

/** The run-time fault switchboard of one simulator. */
export class FaultController {
  readonly #rules: FaultRuleState[] = [];
  readonly #seed: number;
  /** Probability draws only: latency jitter draws from a stream of its own. */
  #random: Random;
  #nextId = 1;

  constructor(seed: number) {
    this.#seed = seed;
    this.#random = createRandom(seed);
  }

  /** Adds a rule after the existing ones and returns its id. Throws a TypeError for an invalid rule. */
  add(rule: FaultRule): string {
    const checked = parseFaultRule(rule);
    const id = `f${this.#nextId++}`;
    this.#rules.push({ id, rule: checked, hits: 0, remaining: limitOf(checked) });
    return id;
  }

  /** Removes one rule; false when no rule has that id. */
  remove(id: string): boolean {
    const index = this.#rules.findIndex((state) => state.id === id);
    if (index < 0) return false;
    this.#rules.splice(index, 1);
    return true;
  }

  /**
   * Removes every rule and restarts the probability draws, so that a test's
   * draws are the same whatever ran before it.
   */
  clear(): void {
    this.#rules.length = 0;
    this.#random = createRandom(this.#seed);
  }

  /** The rules in matching order, spent ones included (with `remaining: 0`). */
  list(): FaultRuleState[] {
    return this.#rules.map((state) => ({ ...state }));
  }

  /** Picks the first rule that applies to this request and counts one use of it. */
  take(target: FaultTarget): FaultDecision | undefined {
    for (const state of this.#rules) {
      const { rule } = state;
      if (state.remaining === 0) continue;
      if (rule.route !== undefined && rule.route !== target.route) continue;
      if (rule.id !== undefined && rule.id !== target.id) continue;
      if (rule.probability !== undefined && this.#random.next() >= rule.probability) continue;
      const use = state.hits++;
      if (state.remaining !== null) state.remaining--;
      const status = rule.statuses ? rule.statuses[use % rule.statuses.length] : rule.status;
      return { ruleId: state.id, rule, status };
    }
    return undefined;
  }
}

function limitOf(rule: FaultRule): number | null {
  if (rule.times !== undefined) return rule.times;
  if (rule.statuses !== undefined) return rule.statuses.length;
  return null;
}
