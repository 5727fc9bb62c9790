import DataLoader from 'dataloader';
import { canonicalId } from '../upstream/ids.js';
import type { AccountRecord } from '../upstream/records.js';
import type { AccountDetailsByIdLoader } from './accountDetailsById.js';

export type AccountByIdLoader = DataLoader<string, AccountRecord | null>;

/**
 * Accounts by id, summary or full, for one GraphQL request.
 *
 * Accounts that arrive in a page are primed here, so a parent that sat on the
 * same page costs nothing. A miss is read through the details loader, which
 * keeps one GET per id even when another field wants the full record too.
 */
export function createAccountByIdLoader(details: AccountDetailsByIdLoader): AccountByIdLoader {
  return new DataLoader<string, AccountRecord | null>((ids) => details.loadMany(ids), {
    name: 'accountById',
    cacheKeyFn: canonicalId,
  });
}
