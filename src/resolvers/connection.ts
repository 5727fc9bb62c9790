import type { GatewayContext } from '../context.js';
import type { AccountConnectionModel, AccountRecord } from '../upstream/records.js';
import { planPages } from './pagination.js';

/**
 * The window [offset, offset + first) of a customer's accounts, with exact
 * `hasNextPage`: the plan always reads one account past the window.
 */
export async function loadConnection(
  { loaders }: GatewayContext,
  customerId: string,
  offset: number,
  first: number,
): Promise<AccountConnectionModel> {
  const { size, pages } = planPages(offset, first);
  const firstPage = pages[0];
  const accounts = await loaders.accountPage.load({ customerId, page: firstPage, size });
  let all: AccountRecord[] = accounts;
  // A short page is the end of the list: the second page cannot hold anything.
  if (pages[1] !== undefined && accounts.length === size) {
    all = accounts.concat(await loaders.accountPage.load({ customerId, page: pages[1], size }));
  }

  const start = offset - firstPage * size;
  return {
    customerId,
    offset,
    nodes: all.slice(start, start + first),
    hasNextPage: all.length > start + first,
  };
}
