/**
 * undici 7.28.0 to 7.29.0 (and 8.5.0 to 8.10.0) hold back every reuse of a
 * kept-alive socket, 1 to 1.5 ms a call (nodejs/undici #5493; fixed on main
 * by #5707 and on 7.x by #5769, in 7.29.1): more than the latency a whole
 * request may add. The benchmark measures a call on a kept-alive socket (its
 * "Sequential upstream call" target); this guards, without timing anything,
 * that neither the version installed nor the range package.json allows can
 * be one of those releases.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Version = [major: number, minor: number, patch: number];

const SLOW_REUSE: [from: Version, to: Version][] = [
  [
    [7, 28, 0],
    [7, 29, 0],
  ],
  [
    [8, 5, 0],
    [8, 10, 0],
  ],
];

function parse(text: string): Version {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!match) throw new Error(`Not a version: ${text}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

const reusesSlowly = (version: Version) =>
  SLOW_REUSE.some(([from, to]) => compare(version, from) >= 0 && compare(version, to) <= 0);

describe('the undici release', () => {
  it('tells the slow releases from the others', () => {
    expect(reusesSlowly(parse('7.27.9'))).toBe(false);
    expect(reusesSlowly(parse('7.28.0'))).toBe(true);
    expect(reusesSlowly(parse('7.29.0'))).toBe(true);
    expect(reusesSlowly(parse('7.29.1'))).toBe(false);
    expect(reusesSlowly(parse('8.4.9'))).toBe(false);
    expect(reusesSlowly(parse('8.10.0'))).toBe(true);
    expect(reusesSlowly(parse('8.11.0'))).toBe(false);
  });

  it('installed reuses a kept-alive socket without waiting', () => {
    const require = createRequire(import.meta.url);
    const { version } = require('undici/package.json') as { version: string };
    expect(reusesSlowly(parse(version)), `undici ${version}`).toBe(false);
  });

  it('package.json allows no release that waits: its range starts at or above 7.29.1 on 7.x', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { dependencies: Record<string, string> };
    const range = manifest.dependencies.undici!;
    // A caret range on 7.x admits every later 7.x, so its floor decides.
    expect(range).toMatch(/^\^7\.\d+\.\d+$/);
    expect(compare(parse(range.slice(1)), [7, 29, 1])).toBeGreaterThanOrEqual(0);
  });
});
