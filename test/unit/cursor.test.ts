import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCursorCodec } from '../../src/resolvers/cursor.js';

const codec = createCursorCodec('test-key-0123456789');

describe('cursor codec', () => {
  it('round-trips any offset for any customer id', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{1,32}$/),
        fc.nat({ max: 999_999_999 }),
        (id, offset) => {
          expect(codec.decode(codec.encode(id, offset), id)).toBe(offset);
        },
      ),
    );
  });

  it('keeps the cursor format, so replicas of different versions accept each other', () => {
    expect(codec.encode('10000000006', 30)).toBe('MTAwMDAwMDAwMDY6MzAfWwv5wfKnTmksLRw');
    expect(codec.decode('MTAwMDAwMDAwMDY6MzAfWwv5wfKnTmksLRw', '10000000006')).toBe(30);
  });

  it('refuses a cursor issued for another customer', () => {
    expect(() => codec.decode(codec.encode('1001', 5), '1002')).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } }),
    );
  });

  it('refuses a cursor sealed with another key', () => {
    const other = createCursorCodec('another-key-0123456789');
    expect(() => codec.decode(other.encode('1001', 5), '1001')).toThrow(/cursor/);
  });

  it('refuses any single-character change', () => {
    const cursor = codec.encode('1001', 29);
    for (let i = 0; i < cursor.length; i++) {
      const swapped = cursor[i] === 'A' ? 'B' : 'A';
      const tampered = cursor.slice(0, i) + swapped + cursor.slice(i + 1);
      expect(() => codec.decode(tampered, '1001')).toThrow(/cursor/);
    }
  });

  it.each(['', 'garbage', 'MTAwMToy', 'x'.repeat(1000)])('refuses %j', (cursor) => {
    expect(() => codec.decode(cursor, '1001')).toThrow(/cursor/);
  });
});
