/**
 * Maps a connection window (`offset`, `first`) onto the issuer's `page`/`size`
 * paging with the fewest calls, reading one account past the window so that
 * `hasNextPage` is exact.
 *
 * The window plus the look-ahead is `first + 1` accounts starting at
 * `offset`. Most of the time some page size up to 100 has one page that
 * holds all of them (from the start: size `first + 1`, page 0): one call.
 * When none does, a page of size `first + 1` (at most 100) holds the start,
 * and a second page, starting where it ends and as small as the rest
 * allows, holds the rest: two calls, the second skipped when the first came
 * back short. `first: 100` from the start reads 100 accounts, then 2.
 */
import { MAX_PAGE_SIZE, pageHolding, type PageSpan } from '../loaders/accountPage.js';

/** One page, or two, the second starting where the first ends. */
export type PagePlan = [PageSpan] | [PageSpan, PageSpan];

export function planPages(offset: number, first: number): PagePlan {
  const end = offset + first + 1;
  const holding = pageHolding(offset, end);
  if (holding) return [holding];
  const size = Math.min(first + 1, MAX_PAGE_SIZE);
  const page = Math.floor(offset / size);
  return [{ page, size }, pageFrom((page + 1) * size, end)];
}

/**
 * The smallest issuer page that starts exactly at `start` and reaches `end`.
 * Called with `start` a multiple of a size that reaches `end`, so one exists.
 */
function pageFrom(start: number, end: number): PageSpan {
  // Never size 1, the one size no plan asked for before this page: the
  // issuer's prose caps the size at 100 and the gateway relies on that, but
  // some renderings of its docs give the range as `1 < x < 100`, and the
  // lower end costs nothing to keep clear of.
  let size = Math.max(2, end - start);
  while (start % size !== 0) size++;
  return { page: start / size, size };
}
