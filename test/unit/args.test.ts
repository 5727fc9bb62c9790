import { describe, expect, it } from 'vitest';
import { parseFirst, parseId, parseIds } from '../../src/resolvers/args.js';
import { BAD_IDS } from '../helpers/badIds.js';

const badUserInput = expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } });

describe('argument checks', () => {
  it.each(['1', '0', '9007199254740993', '1'.repeat(32)])('takes id %j', (id) => {
    expect(parseId(id)).toBe(id);
  });

  it.each(BAD_IDS)('refuses id %j', (id) => {
    expect(() => parseId(id)).toThrow(badUserInput);
  });

  it('does not echo a value with control characters', () => {
    expect(() => parseId('1\r\nX-Evil: 1')).toThrow(/^`id` must be 1 to 32 decimal digits\.$/);
  });

  it('takes at most 100 ids and names the bad one', () => {
    expect(parseIds(Array.from({ length: 100 }, (_, i) => String(i)))).toHaveLength(100);
    expect(() => parseIds(Array.from({ length: 101 }, (_, i) => String(i)))).toThrow(/at most 100/);
    expect(() => parseIds(['1', 'x'])).toThrow(/ids\[1\]/);
  });

  it.each([
    [undefined, 30],
    [1, 1],
    [100, 100],
  ])('takes first %j as %i', (value, first) => expect(parseFirst(value)).toBe(first));

  it.each([0, -1, 101, 1.5, null])('refuses first %j', (value) => {
    expect(() => parseFirst(value)).toThrow(badUserInput);
  });
});
