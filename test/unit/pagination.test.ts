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
    [
      99,
      100,
      [
        { page: 0, size: 100 },
        { page: 1, size: 100 },
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
