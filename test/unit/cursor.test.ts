import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCursorCodec, type CursorPage } from '../../src/resolvers/cursor.js';

const codec = createCursorCodec('test-key-0123456789');
const page = (customerId: string, offset: number, size: number): CursorPage => ({
  customerId,
  offset,
  nodes: Array.from({ length: size }),
});
const refused = expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } });

describe('cursor codec', () => {
  it('round-trips every offset of any page for any customer id', () => {
    fc.assert(
      fc.property(
        // Canonical, as parseId hands them over.
        fc.stringMatching(/^(0|[1-9][0-9]{0,31})$/),
        fc.nat({ max: 999_999_899 }),
        fc.integer({ min: 1, max: 100 }),
        fc.nat({ max: 99 }),
        (id, offset, size, index) => {
          const at = offset + (index % size);
          expect(codec.decode(codec.encode(page(id, offset, size), at), id)).toBe(at);
        },
      ),
    );
  });

  it('keeps the cursor format, so replicas of different versions accept each other', () => {
    const cursor = 'MTAwMDAwMDAwMDY6MzA6NTk6MzFRsLZU1NTq3nBp_v8';
    expect(codec.encode(page('10000000006', 30, 30), 31)).toBe(cursor);
    expect(codec.decode(cursor, '10000000006')).toBe(31);
  });

  it('accepts its cursors for a customer id the issuer spelled with leading zeros', () => {
    // A customer reached through an account's customerId keeps that spelling.
    const cursor = codec.encode(page('007', 0, 3), 1);
    expect(codec.decode(cursor, '007')).toBe(1);
    expect(codec.decode(cursor, '7')).toBe(1);
    expect(() => codec.decode(cursor, '70')).toThrow(refused);
  });

  it('accepts the cursors of one seal per cursor that earlier versions handed out', () => {
    expect(codec.decode('MTAwMDAwMDAwMDY6MzAfWwv5wfKnTmksLRw', '10000000006')).toBe(30);
  });

  it('accepts an earlier cursor kept for a customer id asked for with leading zeros', () => {
    const payload = '0010000000006:30';
    const seal = createHmac('sha256', 'test-key-0123456789').update(payload).digest();
    const cursor = Buffer.concat([Buffer.from(payload), seal.subarray(0, 12)]).toString(
      'base64url',
    );
    expect(codec.decode(cursor, '10000000006')).toBe(30);
    expect(() => codec.decode(cursor, '10000000007')).toThrow(refused);
  });

  it('seals a page once, however many of its cursors are asked for', () => {
    const shared = page('1001', 0, 30);
    const cursors = [0, 1, 29].map((offset) => codec.encode(shared, offset));
    const seals = cursors.map((cursor) => Buffer.from(cursor, 'base64url').subarray(-12));
    expect(new Set(seals.map((seal) => seal.toString('hex'))).size).toBe(1);
    expect(cursors.map((cursor) => codec.decode(cursor, '1001'))).toEqual([0, 1, 29]);
  });

  it('refuses an offset outside the page its seal covers', () => {
    const sealed = page('1001', 30, 30);
    expect(codec.decode(codec.encode(sealed, 59), '1001')).toBe(59);
    expect(() => codec.decode(codec.encode(sealed, 60), '1001')).toThrow(refused);
    expect(() => codec.decode(codec.encode(sealed, 29), '1001')).toThrow(refused);
  });

  it('refuses a cursor issued for another customer', () => {
    expect(() => codec.decode(codec.encode(page('1001', 0, 10), 5), '1002')).toThrow(refused);
  });

  it('refuses a cursor sealed with another key', () => {
    const other = createCursorCodec('another-key-0123456789');
    expect(() => codec.decode(other.encode(page('1001', 0, 10), 5), '1001')).toThrow(/cursor/);
  });

  it('refuses any single-character change of a one-account page', () => {
    const cursor = codec.encode(page('1001', 29, 1), 29);
    for (const tampered of singleCharacterChanges(cursor)) {
      expect(() => codec.decode(tampered, '1001')).toThrow(refused);
    }
  });

  it('lets a single-character change at most move the cursor within its page', () => {
    const cursor = codec.encode(page('1001', 20, 10), 25);
    const moved = new Set<number>();
    for (const tampered of singleCharacterChanges(cursor)) {
      let offset: number;
      try {
        offset = codec.decode(tampered, '1001');
      } catch (error) {
        expect(error).toEqual(refused);
        continue;
      }
      expect(offset).toBeGreaterThanOrEqual(20);
      expect(offset).toBeLessThanOrEqual(29);
      moved.add(offset);
    }
    // At least one change must decode, or this test would prove nothing.
    expect(moved.size).toBeGreaterThan(0);
  });

  it.each(['', 'garbage', 'MTAwMToy', 'x'.repeat(1000)])('refuses %j', (cursor) => {
    expect(() => codec.decode(cursor, '1001')).toThrow(/cursor/);
  });
});

function singleCharacterChanges(cursor: string): string[] {
  return [...cursor].map(
    (char, i) => cursor.slice(0, i) + (char === 'A' ? 'B' : 'A') + cursor.slice(i + 1),
  );
}
