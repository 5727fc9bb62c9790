import type { AccountRecord, CustomerRecord } from './records.js';

/** A customer, built on first use. */
export interface CustomerSlot {
  record?: CustomerRecord;
  build: () => CustomerRecord;
}

/** An account's links, known up front; the full record is built on first use. */
export interface AccountSlot {
  id: string;
  customerId: string;
  parentId: string | undefined;
  record?: AccountRecord;
  build: () => AccountRecord;
}

/**
 * Collects records while the dataset is generated and refuses duplicate ids,
 * so a clash between fixtures and generated data fails at start, not in a
 * confusing test later. Generated records are added as slots that build
 * themselves on first use: the links (ids, owner, parent) are drawn at start,
 * the rest only when a request or test looks, which keeps startup short.
 */
export class DatasetBuilder {
  readonly customers = new Map<string, CustomerSlot>();
  readonly accountsByCustomer = new Map<string, AccountSlot[]>();
  readonly accounts = new Map<string, AccountSlot>();
  #sequence = 0;

  /** A running number for each account, used to rotate per-account variations. */
  nextSequence(): number {
    return this.#sequence++;
  }

  addCustomer(id: string, build: () => CustomerRecord): void {
    if (this.customers.has(id)) throw new Error(`Customer id ${id} was generated twice.`);
    this.customers.set(id, { build });
    this.accountsByCustomer.set(id, []);
  }

  addAccount(
    id: string,
    customerId: string,
    parentId: string | undefined,
    build: () => AccountRecord,
  ): void {
    if (this.accounts.has(id)) throw new Error(`Account id ${id} was generated twice.`);
    const list = this.accountsByCustomer.get(customerId);
    if (!list) throw new Error(`Account ${id} names unknown customer ${customerId}.`);
    const slot: AccountSlot = { id, customerId, parentId, build };
    this.accounts.set(id, slot);
    list.push(slot);
  }
}
