import {
  assertMayReadSomeCustomer,
  authorizeAccount,
  authorizeFailedRead,
} from '../auth/policy.js';
import type { GatewayContext } from '../context.js';
import type { AccountRecord } from '../upstream/records.js';

/** Every path to an account goes through here, so the authorization rule cannot be skipped. */
export async function readAccount(
  { loaders, caller }: GatewayContext,
  id: string,
): Promise<AccountRecord | null> {
  assertMayReadSomeCustomer(caller);
  let account: AccountRecord | null;
  try {
    account = await loaders.accountById.load(id);
  } catch (error) {
    return authorizeFailedRead(caller, error);
  }
  return authorizeAccount(caller, account);
}
