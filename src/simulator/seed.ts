/**
 * The seeded dataset behind every simulator route: the fixtures (fixed ids,
 * see fixtures.ts) plus a few thousand generated customers with account
 * hierarchies. The same seed always gives the same records.
 */
import { DatasetBuilder, type AccountSlot, type CustomerSlot } from './datasetBuilder.js';
import { addFixtures } from './fixtures.js';
import { generateAccount, generateCustomer, pickCountry } from './generate.js';
import { createRandom, derivedRandom, type Random } from './random.js';
import type { AccountRecord, CustomerRecord } from './records.js';

export { FIXTURES, type FixtureName } from './fixtures.js';
export type { AccountRecord, CustomerRecord } from './records.js';

/** How many generated customers come after the fixtures. */
export const GENERATED_CUSTOMERS = 2400;

/**
 * A read-only view of the dataset. Records are shared with the routes: do not
 * mutate them. Lists come back in the order the issuer would page them.
 */
export interface SimulatorData {
  readonly seed: number;
  readonly customerCount: number;
  readonly accountCount: number;
  /** Every customer id: fixtures first, then generated customers. */
  customerIds(): readonly string[];
  customer(id: string): Readonly<CustomerRecord> | undefined;
  /** The customer's accounts in list order; `[]` for an unknown customer (as the list routes answer). */
  accountsOf(customerId: string): readonly Readonly<AccountRecord>[];
  account(id: string): Readonly<AccountRecord> | undefined;
  /** Direct children of an account, at any customer; `[]` when none or unknown. */
  subAccountsOf(accountId: string): readonly Readonly<AccountRecord>[];
}

/** Builds the dataset for `seed` (links at once, record details on first use; about 15 ms). */
export function createSimulatorData(seed = 1): SimulatorData {
  const rng = createRandom(seed);
  const builder = new DatasetBuilder();
  addFixtures(builder, rng);
  addGeneratedCustomers(builder, rng, seed);
  return new Dataset(seed, builder);
}

class Dataset implements SimulatorData {
  readonly seed: number;
  readonly #customers: Map<string, CustomerSlot>;
  readonly #accounts: Map<string, AccountSlot>;
  readonly #slotsByCustomer: Map<string, AccountSlot[]>;
  readonly #childSlots = new Map<string, AccountSlot[]>();
  readonly #customerIds: readonly string[];
  // Materialised lists, so repeated page reads return the same array.
  readonly #accountLists = new Map<string, AccountRecord[]>();
  readonly #childLists = new Map<string, AccountRecord[]>();

  constructor(seed: number, builder: DatasetBuilder) {
    this.seed = seed;
    this.#customers = builder.customers;
    this.#accounts = builder.accounts;
    this.#slotsByCustomer = builder.accountsByCustomer;
    this.#customerIds = [...builder.customers.keys()];
    for (const slots of this.#slotsByCustomer.values()) {
      for (const slot of slots) {
        if (slot.parentId === undefined) continue;
        const siblings = this.#childSlots.get(slot.parentId);
        if (siblings) siblings.push(slot);
        else this.#childSlots.set(slot.parentId, [slot]);
      }
    }
  }

  get customerCount(): number {
    return this.#customers.size;
  }

  get accountCount(): number {
    return this.#accounts.size;
  }

  customerIds(): readonly string[] {
    return this.#customerIds;
  }

  customer(id: string): CustomerRecord | undefined {
    const slot = this.#customers.get(id);
    if (!slot) return undefined;
    slot.record ??= slot.build();
    return slot.record;
  }

  accountsOf(customerId: string): readonly AccountRecord[] {
    return this.#list(this.#accountLists, this.#slotsByCustomer, customerId);
  }

  account(id: string): AccountRecord | undefined {
    const slot = this.#accounts.get(id);
    return slot && materialise(slot);
  }

  subAccountsOf(accountId: string): readonly AccountRecord[] {
    return this.#list(this.#childLists, this.#childSlots, accountId);
  }

  #list(
    cache: Map<string, AccountRecord[]>,
    slots: Map<string, AccountSlot[]>,
    key: string,
  ): readonly AccountRecord[] {
    let list = cache.get(key);
    if (!list) {
      const of = slots.get(key);
      // An id with nothing is not kept: any caller may ask for any number of them.
      if (!of) return NOTHING;
      list = of.map(materialise);
      cache.set(key, list);
    }
    return list;
  }
}

const NOTHING: readonly AccountRecord[] = Object.freeze([]);

function materialise(slot: AccountSlot): AccountRecord {
  slot.record ??= slot.build();
  return slot.record;
}

function accountCountFor(rng: Random, role: 'CORPORATE' | 'PRIVATE'): number {
  const roll = rng.next();
  if (role === 'PRIVATE') {
    if (roll < 0.08) return 0;
    if (roll < 0.53) return 1;
    if (roll < 0.88) return rng.int(2, 3);
    return rng.int(4, 8);
  }
  if (roll < 0.05) return 0;
  if (roll < 0.45) return rng.int(1, 5);
  if (roll < 0.8) return rng.int(6, 20);
  if (roll < 0.95) return rng.int(21, 60);
  return rng.int(61, 150);
}

function addGeneratedCustomers(builder: DatasetBuilder, rng: Random, seed: number): void {
  let nextAccountId = 3_000_000_000;
  // A top-level account of an earlier corporate customer: the occasional
  // cross-customer parent (a group contract paying for a subsidiary's cards).
  let earlierCorporateTop: string | undefined;
  for (let i = 0; i < GENERATED_CUSTOMERS; i++) {
    const id = String(20_000_000_000 + i * 7919);
    const role = rng.chance(0.3) ? 'CORPORATE' : 'PRIVATE';
    const country = pickCountry(rng);
    // Details come from a generator of their own, so they do not depend on what was built first.
    let customer: CustomerRecord | undefined;
    const buildCustomer = (): CustomerRecord => {
      customer ??= generateCustomer(derivedRandom(seed, 1, i), id, role, country);
      return customer;
    };
    builder.addCustomer(id, buildCustomer);
    const count = accountCountFor(rng, role);
    const ids: string[] = [];
    for (let k = 0; k < count; k++) {
      nextAccountId += rng.int(1, 9);
      ids.push(String(nextAccountId));
    }
    const parents = role === 'CORPORATE' ? corporateTree(rng, ids) : privateTree(rng, ids);
    if (role === 'CORPORATE' && earlierCorporateTop && ids.length > 1 && rng.chance(0.05)) {
      const child = ids.find((accountId) => parents.get(accountId) !== undefined);
      if (child) parents.set(child, earlierCorporateTop);
    }
    for (const accountId of ids) {
      const parentId = parents.get(accountId);
      const sequence = builder.nextSequence();
      builder.addAccount(accountId, id, parentId, () =>
        generateAccount(derivedRandom(seed, 2, sequence), {
          id: accountId,
          customerId: id,
          parentId,
          sequence,
          country,
          holder: holderName(buildCustomer()),
        }),
      );
    }
    if (role === 'CORPORATE') {
      earlierCorporateTop =
        ids.find((accountId) => parents.get(accountId) === undefined) ?? earlierCorporateTop;
    }
  }
}

function holderName(customer: CustomerRecord): string {
  return customer.role === 'CORPORATE'
    ? customer.name
    : `${customer.firstName} ${customer.lastName}`;
}

/** Parent of each account (absent = top level) for a company: a few contracts with card accounts below. */
function corporateTree(rng: Random, ids: readonly string[]): Map<string, string | undefined> {
  const parents = new Map<string, string | undefined>();
  if (ids.length === 0) return parents;
  const shuffled = shuffle(rng, ids);
  const topCount = Math.max(1, Math.round(ids.length / 12));
  const tops = shuffled.slice(0, topCount);
  const middle: string[] = [];
  for (const id of tops) parents.set(id, undefined);
  // Children are placed in random order, so a parent may come before or after its child in the list.
  for (const id of shuffled.slice(topCount)) {
    if (middle.length > 0 && rng.chance(0.15)) {
      parents.set(id, rng.pick(middle));
    } else {
      parents.set(id, rng.pick(tops));
      middle.push(id);
    }
  }
  return parents;
}

/** A person: mostly separate accounts, sometimes a supplementary account under the first. */
function privateTree(rng: Random, ids: readonly string[]): Map<string, string | undefined> {
  const parents = new Map<string, string | undefined>();
  const [first, second] = ids;
  if (first !== undefined && second !== undefined && rng.chance(0.3)) parents.set(second, first);
  return parents;
}

function shuffle(rng: Random, items: readonly string[]): string[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [copy[i], copy[j]] = [copy[j] as string, copy[i] as string];
  }
  return copy;
}
