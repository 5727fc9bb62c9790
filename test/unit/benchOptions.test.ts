import { describe, expect, it } from 'vitest';
import { isFullRun, parseOptions } from '../../bench/lib/options.js';

describe('bench options', () => {
  it('reads the whole comparison as a full run, and anything narrower as not', () => {
    expect(isFullRun(parseOptions([]))).toBe(true);
    expect(isFullRun(parseOptions(['--rounds', '3']))).toBe(true);
    expect(isFullRun(parseOptions(['--only', 'gateway,raw']))).toBe(false);
    expect(isFullRun(parseOptions(['--shapes', 'customerPage']))).toBe(false);
    expect(isFullRun(parseOptions(['--base', '../base']))).toBe(false);
    expect(isFullRun(parseOptions(['--label', 'floor']))).toBe(false);
  });

  it('takes a label made for a file name and refuses any other', () => {
    expect(parseOptions(['--label', 'apollo-floor']).label).toBe('apollo-floor');
    for (const label of ['../x', 'Floor', '', 'a b', '-x', 'x'.repeat(41)]) {
      expect(() => parseOptions(['--label', label]), label).toThrow(/--label/);
    }
  });

  it('runs rounds on new processes only when asked, and only in the comparison', () => {
    expect(parseOptions([]).freshProcesses).toBe(false);
    expect(parseOptions(['--fresh-processes']).freshProcesses).toBe(true);
    expect(isFullRun(parseOptions(['--fresh-processes']))).toBe(false);
    for (const mode of ['--soak', '--overload']) {
      expect(() => parseOptions(['--fresh-processes', mode]), mode).toThrow(/--fresh-processes/);
    }
  });
});
