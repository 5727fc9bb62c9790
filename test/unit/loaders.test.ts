import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coveringPage, coveringPages } from '../../src/loaders/accountPage.js';
import { createLoaders } from '../../src/loaders/index.js';
import type { EnfuceClient, UpstreamScope } from '../../src/upstream/client.js';
import { UpstreamResponseError, UpstreamUnavailableError } from '../../src/upstream/errors.js';
import type { AccountRecord } from '../../src/upstream/records.js';

function account(id: string, customerId = '1', parentId: string | null = null): AccountRecord {
  return {
    id,
    customerId,
    parentId,
    number: null,
    name: null,
    status: 'ACCOUNT_OK',
    currency: 'EUR',
    available: null,
    balance: '1.00',
    creditLimit: null,
    paymentReference: null,
    template: null,
  };
}

/**
 * A client that answers from a map and records every call it gets. `failing`:
 * account ids whose read fails; `unusablePageSize`: pages of that size come
 * back unusable (an UpstreamResponseError, as a record of an unexpected shape).
 */
function fakeClient(
  accounts: AccountRecord[],
  { failing = new Set<string>(), unusablePageSize = 0 } = {},
) {
  const calls: string[] = [];
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const client = {
    async getAccount(id: string) {
      calls.push(`account:${id}`);
      if (failing.has(id)) throw new UpstreamUnavailableError({ status: 503 });
      const found = byId.get(id);
      return found ? { ...found, details: null as never } : null;
    },
    async getAccountsOfCustomer(customerId: string, page: number, size: number) {
      calls.push(`page:${customerId}:${page}:${size}`);
      if (size === unusablePageSize) {
        throw new UpstreamResponseError('the account list has an unexpected shape');
      }
      return accounts
        .filter((a) => a.customerId === customerId)
        .slice(page * size, (page + 1) * size);
    },
    async getCustomer(id: string) {
      calls.push(`customer:${id}`);
      return null;
    },
  } as unknown as EnfuceClient;
  return { client, calls };
}

const scope: UpstreamScope = { auditUser: 'test' };

type PageKey = { page: number; size: number };

/** The fewest reads any grouping of the pages could make: every grouping is tried. */
function fewestReads(keys: readonly PageKey[]): number {
  let fewest = keys.length;
  const groups: PageKey[][] = [];
  const place = (next: number): void => {
    if (groups.length >= fewest) return;
    if (next === keys.length) {
      fewest = groups.length;
      return;
    }
    for (const group of groups) {
      group.push(keys[next]!);
      if (coveringPage(group)) place(next + 1);
      group.pop();
    }
    groups.push([keys[next]!]);
    place(next + 1);
    groups.pop();
  };
  place(0);
  return fewest;
}

describe('per-request loaders', () => {
  it('reads each distinct account id once, whichever loader asks', async () => {
    const { client, calls } = fakeClient([account('1'), account('2')]);
    const loaders = createLoaders(client, scope);
    await Promise.all([
      loaders.accountById.load('1'),
      loaders.accountById.load('2'),
      loaders.accountById.load('1'),
      loaders.accountDetailsById.load('2'),
    ]);
    expect(calls.sort()).toEqual(['account:1', 'account:2']);
  });

  it('primes accounts that arrive in a page, so no by-id read follows', async () => {
    const { client, calls } = fakeClient([account('10'), account('11', '1', '10')]);
    const loaders = createLoaders(client, scope);
    await loaders.accountPage.load({ customerId: '1', page: 0, size: 31 });
    const parent = await loaders.accountById.load('10');
    expect(parent?.id).toBe('10');
    expect(calls).toEqual(['page:1:0:31']);
  });

  it('fetches an identical page key once', async () => {
    const { client, calls } = fakeClient([account('10')]);
    const loaders = createLoaders(client, scope);
    const key = { customerId: '1', page: 0, size: 31 };
    await Promise.all([loaders.accountPage.load(key), loaders.accountPage.load({ ...key })]);
    expect(calls).toEqual(['page:1:0:31']);
  });

  it('reads pages of one customer asked for in one wave as one page that holds them', async () => {
    const accounts = Array.from({ length: 75 }, (_, i) => account(String(100 + i)));
    const { client, calls } = fakeClient([...accounts, account('9', '2')]);
    const loaders = createLoaders(client, scope);
    const [small, large, second, other] = await Promise.all([
      loaders.accountPage.load({ customerId: '1', page: 0, size: 3 }),
      loaders.accountPage.load({ customerId: '1', page: 0, size: 6 }),
      loaders.accountPage.load({ customerId: '1', page: 1, size: 6 }),
      loaders.accountPage.load({ customerId: '2', page: 0, size: 3 }),
    ]);
    expect(calls.sort()).toEqual(['page:1:0:12', 'page:2:0:3']);
    expect(small!.map((a) => a.id)).toEqual(['100', '101', '102']);
    expect(large!.map((a) => a.id)).toEqual(['100', '101', '102', '103', '104', '105']);
    expect(second!.map((a) => a.id)).toEqual(['106', '107', '108', '109', '110', '111']);
    expect(other!.map((a) => a.id)).toEqual(['9']);
  });

  it('answers merged pages exactly as separate reads would, to the end of the list', async () => {
    const key = fc.record({ page: fc.nat(12), size: fc.integer({ min: 1, max: 100 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.nat(150),
        fc.uniqueArray(key, { minLength: 2, maxLength: 5, selector: (k) => `${k.page}:${k.size}` }),
        async (length, keys) => {
          const accounts = Array.from({ length }, (_, i) => account(String(1000 + i)));
          const { client, calls } = fakeClient(accounts);
          const loaders = createLoaders(client, scope);
          const pages = await Promise.all(
            keys.map((k) => loaders.accountPage.load({ customerId: '1', ...k })),
          );
          pages.forEach((page, i) => {
            const { page: n, size } = keys[i]!;
            expect(page).toEqual(accounts.slice(n * size, (n + 1) * size));
          });
          // As few reads as any grouping of the pages could make, and never
          // the same issuer page twice.
          expect(calls).toHaveLength(fewestReads(keys));
          expect(new Set(calls).size).toBe(calls.length);
        },
      ),
    );
  });

  it('reads the pages one issuer page can hold together when not all of them fit one', async () => {
    const accounts = Array.from({ length: 250 }, (_, i) => account(String(1000 + i)));
    const { client, calls } = fakeClient(accounts);
    const loaders = createLoaders(client, scope);
    const keys = [
      { page: 0, size: 10 },
      { page: 30, size: 10 },
      { page: 1, size: 10 },
      { page: 31, size: 10 },
      { page: 3, size: 60 },
    ];
    const pages = await Promise.all(
      keys.map((k) => loaders.accountPage.load({ customerId: '1', ...k })),
    );
    // Accounts 0 to 20 as one page, 300 to 320 (past the end) as another,
    // and 180 to 240 as asked: three reads for five pages.
    expect(calls.sort()).toEqual(['page:1:0:20', 'page:1:15:20', 'page:1:3:60']);
    pages.forEach((page, i) => {
      const { page: n, size } = keys[i]!;
      expect(page).toEqual(accounts.slice(n * size, (n + 1) * size));
    });
  });

  it('groups only the pages no earlier read holds', async () => {
    const accounts = Array.from({ length: 150 }, (_, i) => account(String(1000 + i)));
    const { client, calls } = fakeClient(accounts);
    const loaders = createLoaders(client, scope);
    await loaders.accountPage.load({ customerId: '1', page: 0, size: 20 });
    // Accounts 0 to 20 are read, so 0 to 10 comes from that read; 60 to 70
    // and 90 to 120 fit one page of 60, which taking in 0 to 10 as well would
    // have made impossible.
    const [held, middle, last] = await Promise.all([
      loaders.accountPage.load({ customerId: '1', page: 0, size: 10 }),
      loaders.accountPage.load({ customerId: '1', page: 6, size: 10 }),
      loaders.accountPage.load({ customerId: '1', page: 3, size: 30 }),
    ]);
    expect(calls).toEqual(['page:1:0:20', 'page:1:1:60']);
    expect(held).toEqual(accounts.slice(0, 10));
    expect(middle).toEqual(accounts.slice(60, 70));
    expect(last).toEqual(accounts.slice(90, 120));
  });

  it('answers a later wave from a page already read that holds it, and reads no page twice', async () => {
    const accounts = Array.from({ length: 75 }, (_, i) => account(String(100 + i)));
    const { client, calls } = fakeClient(accounts);
    const loaders = createLoaders(client, scope);
    // Wave 1 reads page 0 of size 30 as the cover of pages 0 and 2 of size 10.
    await Promise.all([
      loaders.accountPage.load({ customerId: '1', page: 0, size: 10 }),
      loaders.accountPage.load({ customerId: '1', page: 2, size: 10 }),
    ]);
    // Wave 2: that very page, and one it holds.
    const [same, inside] = await Promise.all([
      loaders.accountPage.load({ customerId: '1', page: 0, size: 30 }),
      loaders.accountPage.load({ customerId: '1', page: 1, size: 8 }),
    ]);
    expect(calls).toEqual(['page:1:0:30']);
    expect(same!.map((a) => a.id)).toEqual(accounts.slice(0, 30).map((a) => a.id));
    expect(inside!.map((a) => a.id)).toEqual(accounts.slice(8, 16).map((a) => a.id));
  });

  it('answers a later page, of any size, from a read that came back short', async () => {
    const accounts = Array.from({ length: 12 }, (_, i) => account(String(100 + i)));
    const { client, calls } = fakeClient(accounts);
    const loaders = createLoaders(client, scope);
    // Accounts 10 to 19 asked for, 10 and 11 there: the list ends at 12.
    expect(
      (await loaders.accountPage.load({ customerId: '1', page: 1, size: 10 }))!.map((a) => a.id),
    ).toEqual(['110', '111']);
    const [overlapping, past] = await Promise.all([
      loaders.accountPage.load({ customerId: '1', page: 1, size: 11 }),
      loaders.accountPage.load({ customerId: '1', page: 3, size: 7 }),
    ]);
    expect(overlapping!.map((a) => a.id)).toEqual(['111']);
    expect(past).toEqual([]);
    expect(calls).toEqual(['page:1:1:10']);
  });

  it('reads a page that starts before a short read', async () => {
    const accounts = Array.from({ length: 12 }, (_, i) => account(String(100 + i)));
    const { client, calls } = fakeClient(accounts);
    const loaders = createLoaders(client, scope);
    await loaders.accountPage.load({ customerId: '1', page: 1, size: 10 });
    const before = await loaders.accountPage.load({ customerId: '1', page: 2, size: 4 });
    expect(before!.map((a) => a.id)).toEqual(['108', '109', '110', '111']);
    expect(calls).toEqual(['page:1:1:10', 'page:1:2:4']);
  });

  it('reads a later page asked while the first read is on its way: its end is not known yet', async () => {
    const accounts = Array.from({ length: 12 }, (_, i) => account(String(100 + i)));
    const { client, calls } = fakeClient(accounts);
    const answers: (() => void)[] = [];
    const slow = Object.assign(Object.create(client) as EnfuceClient, {
      getAccountsOfCustomer: (customerId: string, page: number, size: number) =>
        new Promise((resolve) => {
          answers.push(() => resolve(client.getAccountsOfCustomer(customerId, page, size, scope)));
        }),
    });
    const loaders = createLoaders(slow, scope);
    const first = loaders.accountPage.load({ customerId: '1', page: 1, size: 10 });
    await new Promise((resolve) => setImmediate(resolve));
    const later = loaders.accountPage.load({ customerId: '1', page: 3, size: 7 });
    await new Promise((resolve) => setImmediate(resolve));
    for (const answer of answers) answer();
    expect((await first)!.map((a) => a.id)).toEqual(['110', '111']);
    expect(await later).toEqual([]);
    expect(calls).toEqual(['page:1:1:10', 'page:1:3:7']);
  });

  it('asks for a page on its own when the page that held it was unusable', async () => {
    const accounts = Array.from({ length: 40 }, (_, i) => account(String(100 + i)));
    // The issuer's page of 30 holds an unusable record beyond the first 10.
    const { client, calls } = fakeClient(accounts, { unusablePageSize: 30 });
    const loaders = createLoaders(client, scope);
    const [first, third] = await Promise.all([
      loaders.accountPage.load({ customerId: '1', page: 0, size: 10 }),
      loaders.accountPage.load({ customerId: '1', page: 2, size: 10 }),
    ]);
    expect(first!.map((a) => a.id)).toEqual(accounts.slice(0, 10).map((a) => a.id));
    expect(third!.map((a) => a.id)).toEqual(accounts.slice(20, 30).map((a) => a.id));
    expect(calls).toEqual(['page:1:0:30', 'page:1:0:10', 'page:1:2:10']);
  });

  it('takes a page another read holds when the page that held it first was unusable', async () => {
    const accounts = Array.from({ length: 150 }, (_, i) => account(String(1000 + i)));
    // Accounts 50 to 70 are read as one page of 24, which comes back unusable.
    const { client, calls } = fakeClient(accounts, { unusablePageSize: 24 });
    const loaders = createLoaders(client, scope);
    const [fifth, sixth, wide] = await Promise.all([
      loaders.accountPage.load({ customerId: '1', page: 5, size: 10 }),
      loaders.accountPage.load({ customerId: '1', page: 6, size: 10 }),
      loaders.accountPage.load({ customerId: '1', page: 1, size: 60 }),
    ]);
    expect(fifth).toEqual(accounts.slice(50, 60));
    expect(sixth).toEqual(accounts.slice(60, 70));
    expect(wide).toEqual(accounts.slice(60, 120));
    // Accounts 60 to 70 come from the page of 60; only 50 to 60 is asked again.
    expect(calls.sort()).toEqual(['page:1:1:60', 'page:1:2:24', 'page:1:5:10']);
  });

  it('finds a covering page only when one of at most 100 holds every page', () => {
    expect(
      coveringPage([
        { page: 0, size: 31 },
        { page: 1, size: 31 },
      ]),
    ).toEqual({ page: 0, size: 62 });
    expect(
      coveringPage([
        { page: 2, size: 10 },
        { page: 5, size: 5 },
      ]),
    ).toEqual({ page: 2, size: 10 });
    expect(
      coveringPage([
        { page: 0, size: 60 },
        { page: 1, size: 60 },
      ]),
    ).toBeUndefined();
    expect(
      coveringPage([
        { page: 0, size: 100 },
        { page: 0, size: 3 },
      ]),
    ).toEqual({ page: 0, size: 100 });
  });

  it('groups pages in order of their first account while one issuer page holds the group', () => {
    expect(
      coveringPages([
        { page: 0, size: 10 },
        { page: 1, size: 10 },
        { page: 3, size: 60 },
      ]),
    ).toEqual([{ page: 0, size: 20 }]);
    expect(
      coveringPages([
        { page: 30, size: 10 },
        { page: 0, size: 10 },
        { page: 31, size: 10 },
        { page: 1, size: 10 },
      ]),
    ).toEqual([
      { page: 0, size: 20 },
      { page: 15, size: 20 },
    ]);
    expect(
      coveringPages([
        { page: 0, size: 60 },
        { page: 1, size: 60 },
      ]),
    ).toEqual([]);
  });

  it('fails only the slot whose read failed', async () => {
    const { client } = fakeClient([account('1'), account('2')], { failing: new Set(['2']) });
    const loaders = createLoaders(client, scope);
    const results = await loaders.accountById.loadMany(['1', '2', '3']);
    expect((results[0] as AccountRecord).id).toBe('1');
    expect(results[1]).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(results[2]).toBeNull();
  });
});
