import type { AccountRecord, CustomerRecord } from './records.js';

/**
 * Collects records while the dataset is generated and refuses duplicate ids,
 * so a clash between fixtures and generated data fails at start, not in a
 * confusing test later.
 */
export class DatasetBuilder {
  readonly customers = new Map<string, CustomerRecord>();
  readonly accountsByCustomer = new Map<string, AccountRecord[]>();
  readonly accounts = new Map<string, AccountRecord>();
  #sequence = 0;

  /** A running number for each account, used to rotate per-account variations. */
  nextSequence(): number {
    return this.#sequence++;
  }

  addCustomer(customer: CustomerRecord): void {
    if (this.customers.has(customer.id)) {
      throw new Error(`Customer id ${customer.id} was generated twice.`);
    }
    this.customers.set(customer.id, customer);
    this.accountsByCustomer.set(customer.id, []);
  }

  addAccount(account: AccountRecord): void {
    if (this.accounts.has(account.id)) {
      throw new Error(`Account id ${account.id} was generated twice.`);
    }
    const list = this.accountsByCustomer.get(account.customerId);
    if (!list) throw new Error(`Account ${account.id} names unknown customer ${account.customerId}.`);
    this.accounts.set(account.id, account);
    list.push(account);
  }
}
