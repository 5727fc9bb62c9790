import DataLoader from 'dataloader';
import type { EnfuceClient, UpstreamScope } from '../upstream/client.js';
import { canonicalId } from '../upstream/ids.js';
import type { AccountRecord } from '../upstream/records.js';
import { toError } from './toError.js';

/** One upstream page of a customer's accounts: zero-based `page`, `size` 1 to 100. */
export interface AccountPageKey {
  customerId: string;
  page: number;
  size: number;
}

export type AccountPageLoader = DataLoader<AccountPageKey, AccountRecord[], string>;

export interface AccountPageOptions {
  /** Called for every account that arrives, so other loaders can be primed. */
  onAccount?: (account: AccountRecord) => void;
}

/**
 * Pages of a customer's accounts (`GET /account/v4/customer/{id}`), for one
 * request. The same customer under two aliases with the same arguments asks
 * for the same key and so costs one call.
 */
export function createAccountPageLoader(
  client: EnfuceClient,
  scope: UpstreamScope,
  { onAccount }: AccountPageOptions = {},
): AccountPageLoader {
  return new DataLoader<AccountPageKey, AccountRecord[], string>(
    (keys) => {
      scope.onBatch?.('accountPage', keys.length);
      return Promise.all(
        keys.map(async ({ customerId, page, size }) => {
          try {
            const accounts = await client.getAccountsOfCustomer(customerId, page, size, scope);
            if (onAccount) accounts.forEach(onAccount);
            return accounts;
          } catch (error) {
            return toError(error);
          }
        }),
      );
    },
    {
      name: 'accountPage',
      cacheKeyFn: ({ customerId, page, size }) => `${canonicalId(customerId)}:${page}:${size}`,
    },
  );
}
