import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE } from '../../src/loaders/accountPage.js';
import { planPages } from '../../src/resolvers/pagination.js';

describe('planPages', () => {
  it.each([
    [0, 30, { size: 31, pages: [0] }],
    [30, 30, { size: 61, pages: [0] }],
    [60, 30, { size: 46, pages: [1] }],
    [0, 100, { size: 100, pages: [0, 1] }],
  ])('plans offset %i, first %i', (offset, first, plan) => {
    expect(planPages(offset, first)).toEqual(plan);
  });

  it('always covers the window plus one look-ahead, within the issuer limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 100 }),
        (offset, first) => {
          const { size, pages } = planPages(offset, first);
          expect(size).toBeGreaterThanOrEqual(1);
          expect(size).toBeLessThanOrEqual(MAX_PAGE_SIZE);
          const from = pages[0] * size;
          const to = (pages[pages.length - 1]! + 1) * size;
          expect(from).toBeLessThanOrEqual(offset);
          expect(to).toBeGreaterThanOrEqual(offset + first + 1);
          if (pages.length === 2) expect(pages[1]).toBe(pages[0] + 1);
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
          const { pages } = planPages(offset, first);
          if (pages.length === 1) return;
          for (let size = first + 1; size <= MAX_PAGE_SIZE; size++) {
            const page = Math.floor(offset / size);
            expect((page + 1) * size).toBeLessThan(offset + first + 1);
          }
        },
      ),
    );
  });
});
