/**
 * The authorization rule, applied on every path to a record: root fields,
 * lists, parent links and federation `_entities`. A customer-scoped caller
 * gets the same FORBIDDEN for another customer's account as for one that
 * does not exist, so existence never leaks.
 */
import { ForbiddenError } from '../errors.js';
import { UpstreamResponseError } from '../upstream/errors.js';
import { canonicalId } from '../upstream/ids.js';
import type { AccountRecord } from '../upstream/records.js';
import type { Caller } from './caller.js';

function mayReadCustomer(caller: Caller, customerId: string): boolean {
  // The caller's id is canonical already; the issuer might write zeros in front.
  return caller.anyCustomer || caller.customerId === canonicalId(customerId);
}

export function assertMayReadCustomer(caller: Caller, customerId: string): void {
  if (!mayReadCustomer(caller, customerId)) throw new ForbiddenError();
}

/**
 * Refuses a caller with neither grant before anything is read for it: it
 * may read no record, so no upstream call (audited under its `sub`, counted
 * against its budget) is made to find that out.
 */
export function assertMayReadSomeCustomer(caller: Caller): void {
  if (!caller.anyCustomer && caller.customerId === null) throw new ForbiddenError();
}

/** Returns what the caller may see of a looked-up account, or throws FORBIDDEN. */
export function authorizeAccount(
  caller: Caller,
  account: AccountRecord | null,
): AccountRecord | null {
  if (account === null) {
    if (caller.anyCustomer) return null;
    throw new ForbiddenError();
  }
  assertMayReadCustomer(caller, account.customerId);
  return account;
}

/**
 * What a caller may learn of a failed account read: that the issuer's record
 * is unusable is news only for its owner's eyes; anyone else gets the
 * FORBIDDEN a missing account gets, also when the owner could not be read.
 */
export function authorizeFailedRead(caller: Caller, error: unknown): never {
  if (error instanceof UpstreamResponseError) {
    const mayKnow =
      caller.anyCustomer || (error.owner !== undefined && mayReadCustomer(caller, error.owner));
    if (!mayKnow) throw new ForbiddenError();
  }
  throw error;
}
