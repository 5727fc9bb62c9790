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
  const [firstPage, secondPage] = planPages(offset, first);
  const accounts = await loaders.accountPage.load({ customerId, ...firstPage });
  let all: AccountRecord[] = accounts;
  // A short page is the end of the list: the second page cannot hold anything.
  if (secondPage !== undefined && accounts.length === firstPage.size) {
    all = accounts.concat(await loaders.accountPage.load({ customerId, ...secondPage }));
  }

  const start = offset - firstPage.page * firstPage.size;
  return {
    customerId,
    offset,
    nodes: all.slice(start, start + first),
    hasNextPage: all.length > start + first,
  };
}
