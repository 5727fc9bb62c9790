import DataLoader from 'dataloader';
import type { EnfuceClient, UpstreamScope } from '../upstream/client.js';
import { canonicalId } from '../upstream/ids.js';
import type { AccountRecord } from '../upstream/records.js';
import { toError } from './toError.js';

/** The issuer's largest page (`size`). */
export const MAX_PAGE_SIZE = 100;

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
 * for the same key and so costs one call; with different `first` or `after`,
 * the pages asked for in one wave are read as one when a single issuer page
 * holds them all.
 */
export function createAccountPageLoader(
  client: EnfuceClient,
  scope: UpstreamScope,
  { onAccount }: AccountPageOptions = {},
): AccountPageLoader {
  const read = async ({ customerId, page, size }: AccountPageKey) => {
    const accounts = await client.getAccountsOfCustomer(customerId, page, size, scope);
    if (onAccount) accounts.forEach(onAccount);
    return accounts;
  };
  return new DataLoader<AccountPageKey, AccountRecord[], string>(
    (keys) => {
      scope.onBatch?.('accountPage', keys.length);
      const byCustomer = new Map<string, AccountPageKey[]>();
      for (const key of keys) {
        const customer = canonicalId(key.customerId);
        const pages = byCustomer.get(customer);
        if (pages) pages.push(key);
        else byCustomer.set(customer, [key]);
      }
      const reads = new Map<AccountPageKey, Promise<AccountRecord[]>>();
      for (const pages of byCustomer.values()) {
        const cover = pages.length > 1 ? coveringPage(pages) : undefined;
        if (cover === undefined) {
          for (const key of pages) reads.set(key, read(key));
          continue;
        }
        const all = read({ customerId: pages[0]!.customerId, ...cover });
        for (const key of pages) {
          const start = key.page * key.size - cover.page * cover.size;
          reads.set(
            key,
            all.then((accounts) => accounts.slice(start, start + key.size)),
          );
        }
      }
      return Promise.all(keys.map((key) => reads.get(key)!.catch(toError)));
    },
    {
      name: 'accountPage',
      cacheKeyFn: ({ customerId, page, size }) => `${canonicalId(customerId)}:${page}:${size}`,
    },
  );
}

/**
 * The one issuer page that holds every page asked for, if a size up to 100
 * has one. Its accounts, sliced, are what each page would have answered: a
 * short answer ends the list for all of them alike.
 */
export function coveringPage(
  pages: readonly Pick<AccountPageKey, 'page' | 'size'>[],
): { page: number; size: number } | undefined {
  const start = Math.min(...pages.map(({ page, size }) => page * size));
  const end = Math.max(...pages.map(({ page, size }) => (page + 1) * size));
  for (let size = end - start; size <= MAX_PAGE_SIZE; size++) {
    const page = Math.floor(start / size);
    if ((page + 1) * size >= end) return { page, size };
  }
  return undefined;
}
