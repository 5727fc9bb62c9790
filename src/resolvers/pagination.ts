/**
 * Maps a connection window (`offset`, `first`) onto the issuer's `page`/`size`
 * paging with the fewest calls, reading one account past the window so that
 * `hasNextPage` is exact.
 *
 * The window plus the look-ahead is `first + 1` accounts starting at
 * `offset`. Most of the time some page size up to 100 has one page that
 * holds all of them (from the start: size `first + 1`, page 0): one call.
 * When none does, a first page holds the start and a second page, starting
 * where it ends and as small as the rest allows, holds the rest. The second
 * is read only when the first comes back full, so the first is the one that
 * ends last: a list that ends before it then costs one call, not two.
 * `first: 100` from the start reads 100 accounts, then 2.
 */
import { MAX_PAGE_SIZE, pageHolding, type PageSpan } from '../loaders/accountPage.js';

/** One page, or two, the second starting where the first ends. */
export type PagePlan = [PageSpan] | [PageSpan, PageSpan];

export function planPages(offset: number, first: number): PagePlan {
  const end = offset + first + 1;
  const holding = pageHolding(offset, end);
  if (holding) return [holding];
  // Of the pages that hold `offset`, the one that ends last and that a
  // second page can follow; the smaller of two that end together (fewer
  // accounts to read), as sizes rise. Size `first + 1` (at most 100) always
  // qualifies: the next page of its size reaches `end`.
  let plan: [PageSpan, PageSpan] | undefined;
  let planEnd = 0;
  for (let size = 2; size <= MAX_PAGE_SIZE; size++) {
    const page = Math.floor(offset / size);
    const pageEnd = (page + 1) * size;
    if (pageEnd <= planEnd) continue;
    const next = pageFrom(pageEnd, end);
    if (next === undefined) continue;
    plan = [{ page, size }, next];
    planEnd = pageEnd;
  }
  if (plan === undefined) throw new Error(`No two issuer pages hold accounts ${offset} to ${end}.`);
  return plan;
}

/**
 * The smallest issuer page that starts exactly at `start` and reaches `end`,
 * if one of at most 100 does.
 */
function pageFrom(start: number, end: number): PageSpan | undefined {
  // Never size 1, the one size no plan asked for before this page: the
  // issuer's prose caps the size at 100 and the gateway relies on that, but
  // some renderings of its docs give the range as `1 < x < 100`, and the
  // lower end costs nothing to keep clear of.
  for (let size = Math.max(2, end - start); size <= MAX_PAGE_SIZE; size++) {
    if (start % size === 0) return { page: start / size, size };
  }
  return undefined;
}
