import { describe, expect, it } from 'vitest';
import { truncated } from '../../src/text.js';

describe('truncated', () => {
  it('keeps text up to the limit as it is', () => {
    expect(truncated('abc', 3)).toBe('abc');
  });

  it('cuts longer text at the limit and marks the cut', () => {
    expect(truncated('abcdef', 3)).toBe('abc…');
  });

  it('never leaves half of a surrogate pair', () => {
    // '😀' is two UTF-16 units; the limit falls between them.
    const cut = truncated('ab😀cd', 3);
    expect(cut).toBe('ab…');
  });
});
