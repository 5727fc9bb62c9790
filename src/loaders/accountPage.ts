import DataLoader from 'dataloader';
import type { EnfuceClient, UpstreamScope } from '../upstream/client.js';
import { UpstreamResponseError } from '../upstream/errors.js';
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

/** An issuer page by its number and size, whoever's accounts it holds. */
export type PageSpan = Pick<AccountPageKey, 'page' | 'size'>;

export type AccountPageLoader = DataLoader<AccountPageKey, AccountRecord[], string>;

export interface AccountPageOptions {
  /** Called for every account that arrives, so other loaders can be primed. */
  onAccount?: (account: AccountRecord) => void;
}

/**
 * Pages of a customer's accounts (`GET /account/v4/customer/{id}`), for one
 * request. A page is answered from any page already read (or on its way)
 * that holds it, in this wave or an earlier one; the pages of one customer
 * asked for in the same wave (aliases with a different `first` or `after`)
 * are read together, as few issuer pages as hold them (coveringPages). So
 * no issuer page is read twice, and none whose accounts another read brings.
 */
export function createAccountPageLoader(
  client: EnfuceClient,
  scope: UpstreamScope,
  { onAccount }: AccountPageOptions = {},
): AccountPageLoader {
  // Every issuer page this request read, by customer, as account offsets.
  const readsByCustomer = new Map<string, PageRead[]>();

  const fetchPage = async ({ customerId, page, size }: AccountPageKey) => {
    const accounts = await client.getAccountsOfCustomer(customerId, page, size, scope);
    if (onAccount) accounts.forEach(onAccount);
    return accounts;
  };

  /** The accounts of `key`: from a read that holds them, else a read of its own. */
  const load = (key: AccountPageKey): Promise<AccountRecord[]> => {
    const customer = canonicalId(key.customerId);
    let reads = readsByCustomer.get(customer);
    if (reads === undefined) readsByCustomer.set(customer, (reads = []));
    return answer(reads, key);
  };

  /**
   * From the first read that holds `key` and was not found unusable: an
   * unusable answer may be unusable for accounts this page does not hold, so
   * the page is taken from another read that holds it, or asked for on its
   * own, before it fails too.
   */
  const answer = (
    reads: PageRead[],
    key: AccountPageKey,
    unusable?: Set<PageRead>,
  ): Promise<AccountRecord[]> => {
    const start = key.page * key.size;
    const end = start + key.size;
    const holder = reads.find((read) => holds(read, key) && !unusable?.has(read));
    if (holder === undefined) return readOwn(reads, key, start, end);
    if (holder.start === start && holder.end === end) return holder.accounts;
    return holder.accounts.then(
      (accounts) => accounts.slice(start - holder.start, end - holder.start),
      (error: unknown) => {
        if (!(error instanceof UpstreamResponseError)) throw error;
        return answer(reads, key, (unusable ?? new Set()).add(holder));
      },
    );
  };

  const readOwn = (reads: PageRead[], key: AccountPageKey, start: number, end: number) => {
    const accounts = fetchPage(key);
    const read: PageRead = { start, end, accounts, endsList: false };
    reads.push(read);
    accounts.then(
      (list) => (read.endsList = list.length < key.size),
      () => {},
    );
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
      for (const [customer, pages] of byCustomer) {
        if (pages.length < 2) continue;
        // A page an earlier read holds is answered from it; only the rest
        // are grouped, so no cover is stretched to take them in.
        const reads = readsByCustomer.get(customer) ?? [];
        const unread = pages.filter((key) => !reads.some((read) => holds(read, key)));
        if (unread.length < 2) continue;
        // Read first, so that every page of a group is answered from its cover.
        for (const cover of coveringPages(unread)) {
          void load({ customerId: unread[0]!.customerId, ...cover }).catch(() => {});
        }
      }
      return Promise.all(keys.map((key) => load(key).catch(toError)));
    },
    {
      name: 'accountPage',
      cacheKeyFn: ({ customerId, page, size }) => `${canonicalId(customerId)}:${page}:${size}`,
    },
  );
}

/** One issuer page read in this request: accounts `start` to `end` (exclusive) of the customer's list. */
interface PageRead {
  start: number;
  end: number;
  accounts: Promise<AccountRecord[]>;
  /** Whether it came back short: the customer has no accounts after it. */
  endsList: boolean;
}

/**
 * Whether `read` answers the page: it spans the page, or it came back
 * short and the page starts inside it or past the list's end, where the
 * issuer has only what the read has (or nothing).
 */
function holds(read: PageRead, { page, size }: AccountPageKey): boolean {
  return read.start <= page * size && (read.endsList || (page + 1) * size <= read.end);
}

/**
 * Issuer pages that hold the pages asked for in the fewest reads: taken in
 * order of their first account, pages join a group while one issuer page
 * still holds the whole group, and each group of two or more is read as that
 * page. A page alone in its group is left out; it is read as asked.
 *
 * Fewest: whether one page can hold a group depends only on the group's
 * first and last account, and a page that holds a group holds any part of
 * it. A page that lies inside another never starts or widens a group; among
 * the rest, first and last accounts rise together. So one page holding the
 * first pages of two groups would hold the whole group before the second
 * plus that page, which is where the first group had to end: no two groups'
 * first pages can share a read, and any grouping needs as many reads as
 * there are groups here. The property test in `test/unit/loaders.test.ts`
 * checks it against every grouping.
 */
export function coveringPages(pages: readonly PageSpan[]): PageSpan[] {
  const byStart = [...pages].sort((a, b) => a.page * a.size - b.page * b.size);
  const covers: PageSpan[] = [];
  // The group so far: its first and last account, and the page holding it
  // once it has two pages or more.
  let start = 0;
  let end = 0;
  let cover: PageSpan | undefined;
  byStart.forEach(({ page, size }, i) => {
    const wider = i > 0 ? pageHolding(start, Math.max(end, (page + 1) * size)) : undefined;
    if (wider) {
      end = Math.max(end, (page + 1) * size);
      cover = wider;
      return;
    }
    if (cover) covers.push(cover);
    start = page * size;
    end = (page + 1) * size;
    cover = undefined;
  });
  if (cover) covers.push(cover);
  return covers;
}

/**
 * The one issuer page that holds every page asked for, if a size up to 100
 * has one. Its accounts, sliced, are what each page would have answered: a
 * short answer ends the list for all of them alike.
 */
export function coveringPage(pages: readonly PageSpan[]): PageSpan | undefined {
  return pageHolding(
    Math.min(...pages.map(({ page, size }) => page * size)),
    Math.max(...pages.map(({ page, size }) => (page + 1) * size)),
  );
}

/** The smallest issuer page that holds accounts `start` to `end` (exclusive), if one of at most 100 does. */
export function pageHolding(start: number, end: number): PageSpan | undefined {
  for (let size = end - start; size <= MAX_PAGE_SIZE; size++) {
    const page = Math.floor(start / size);
    if ((page + 1) * size >= end) return { page, size };
  }
  return undefined;
}
