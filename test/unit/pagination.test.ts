import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE } from '../../src/loaders/accountPage.js';
import { planPages } from '../../src/resolvers/pagination.js';

describe('planPages', () => {
  const plans: [number, number, unknown][] = [
    [0, 30, [{ page: 0, size: 31 }]],
    [30, 30, [{ page: 0, size: 61 }]],
    [60, 30, [{ page: 1, size: 46 }]],
    // The look-ahead alone needs a second page: two accounts (never size 1), not another 100.
    [
      0,
      100,
      [
        { page: 0, size: 100 },
        { page: 50, size: 2 },
      ],
    ],
    [
      20,
      100,
      [
        { page: 0, size: 100 },
        { page: 4, size: 25 },
      ],
    ],
    // The first page ends as late as any holding the start: 99 to 197, not 0 to 99.
    [
      99,
      100,
      [
        { page: 1, size: 99 },
        { page: 99, size: 2 },
      ],
    ],
    // Page 2 of 50: accounts 50 to 99 first, so a list of 51 to 99 costs one call.
    [
      50,
      50,
      [
        { page: 1, size: 50 },
        { page: 50, size: 2 },
      ],
    ],
  ];
  it.each(plans)('plans offset %i, first %i', (offset, first, plan) => {
    expect(planPages(offset, first)).toEqual(plan);
  });

  it('covers the window plus one look-ahead, without a gap or overlap, within the issuer limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 100 }),
        (offset, first) => {
          const pages = planPages(offset, first);
          for (const { size } of pages) {
            expect(size).toBeGreaterThanOrEqual(1);
            expect(size).toBeLessThanOrEqual(MAX_PAGE_SIZE);
          }
          const [one, two] = pages;
          expect(one.page * one.size).toBeLessThanOrEqual(offset);
          const end = (one.page + 1) * one.size;
          if (two === undefined) {
            expect(end).toBeGreaterThanOrEqual(offset + first + 1);
            return;
          }
          expect(end).toBeLessThan(offset + first + 1);
          expect(two.page * two.size).toBe(end);
          expect((two.page + 1) * two.size).toBeGreaterThanOrEqual(offset + first + 1);
          // As small as it can be: no smaller page (of 2 or more) starting there reaches the end.
          expect(two.size).toBeGreaterThanOrEqual(2);
          for (let size = Math.max(2, offset + first + 1 - end); size < two.size; size++) {
            expect(end % size).not.toBe(0);
          }
        },
      ),
    );
  });

  it('starts with the page that ends last, so that a list ending before it costs one call', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 100 }),
        (offset, first) => {
          const [one, two] = planPages(offset, first);
          if (two === undefined) return;
          const end = offset + first + 1;
          const firstEnd = (one.page + 1) * one.size;
          // No page of 2 to 100 holding the start, with a page of 2 to 100
          // starting where it ends and reaching the end, ends later.
          for (let size = 2; size <= MAX_PAGE_SIZE; size++) {
            const later = (Math.floor(offset / size) + 1) * size;
            if (later <= firstEnd) continue;
            for (let next = Math.max(2, end - later); next <= MAX_PAGE_SIZE; next++) {
              expect(later % next).not.toBe(0);
            }
          }
        },
      ),
    );
  });

  it('needs two pages only when no single page can hold the window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 100 }),
        (offset, first) => {
          if (planPages(offset, first).length === 1) return;
          for (let size = first + 1; size <= MAX_PAGE_SIZE; size++) {
            const page = Math.floor(offset / size);
            expect((page + 1) * size).toBeLessThan(offset + first + 1);
          }
        },
      ),
    );
  });
});
