/**
 * Maps a connection window (`offset`, `first`) onto the issuer's `page`/`size`
 * paging with the fewest calls, reading one account past the window so that
 * `hasNextPage` is exact.
 *
 * The window plus the look-ahead is `first + 1` accounts starting at
 * `offset`. Most of the time some page size up to 100 has one page that
 * holds all of them (from the start: size `first + 1`, page 0): one call.
 * When none does, two consecutive pages of size `first + 1` (at most 100)
 * always do: two calls, the second skipped when the first came back short.
 */
import { MAX_PAGE_SIZE, pageHolding } from '../loaders/accountPage.js';

export interface PagePlan {
  size: number;
  /** One page, or two consecutive ones. */
  pages: [number] | [number, number];
}

export function planPages(offset: number, first: number): PagePlan {
  const needed = first + 1;
  const holding = pageHolding(offset, offset + needed);
  if (holding) return { size: holding.size, pages: [holding.page] };
  const size = Math.min(needed, MAX_PAGE_SIZE);
  const page = Math.floor(offset / size);
  return { size, pages: [page, page + 1] };
}
