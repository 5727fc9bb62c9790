import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_SCHEMA } from '../../src/config.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

interface Row {
  line: number;
  cells: Record<string, string>;
}

/** Rows of every Markdown table, keyed by their header's (lower-cased) column names. */
function tableRows(markdown: string): Row[] {
  const lines = markdown.split('\n');
  const split = (line: string) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
  const rows: Row[] = [];
  let header: string[] | undefined;
  lines.forEach((line, index) => {
    if (!line.startsWith('|')) {
      header = undefined;
    } else if (/^\|[\s|:-]+\|$/.test(line)) {
      // The separator under the header.
    } else if (header === undefined) {
      header = split(line).map((name) => name.toLowerCase());
    } else {
      const values = split(line);
      rows.push({
        line: index + 1,
        cells: Object.fromEntries(header.map((name, i) => [name, values[i] ?? ''])),
      });
    }
  });
  return rows;
}

const defaults = ENV_SCHEMA.parse({}) as Record<string, unknown>;
const variables = Object.keys(ENV_SCHEMA.shape);
const rows = tableRows(README);

describe("README's configuration tables", () => {
  const withScalarDefault = variables.filter((name) =>
    ['number', 'string', 'boolean'].includes(typeof defaults[name]),
  );

  it('read the variables and their defaults from the configuration', () => {
    expect(variables).toContain('PORT');
    expect(variables.length).toBeGreaterThan(40);
    expect(withScalarDefault.length).toBeGreaterThan(20);
  });

  it.each(variables)('document %s', (name) => {
    expect(README).toContain(`\`${name}\``);
  });

  it.each(withScalarDefault)('give %s the default the gateway uses', (name) => {
    const documented = rows.filter(
      ({ cells }) => cells['variable']?.includes(`\`${name}\``) && 'default' in cells,
    );
    expect(documented.length, `a table row with a default for ${name}`).toBeGreaterThan(0);
    for (const { line, cells } of documented) {
      // The first code span of the cell; words may follow (`2` (3 attempts)).
      const value = /`([^`]*)`/.exec(cells['default']!)?.[1];
      expect(value, `README.md:${line}`).toBe(String(defaults[name]));
    }
  });

  const ranges = variables.flatMap((name) => {
    const range = rangeOf(name);
    return range ? [{ name, range }] : [];
  });

  it('find the whole-number variables and their ranges', () => {
    expect(ranges.find(({ name }) => name === 'PORT')?.range).toEqual([0, 65535]);
    expect(ranges.length).toBeGreaterThan(20);
  });

  it.each(ranges)('give $name the range the gateway enforces', ({ name, range: [min, max] }) => {
    const documented = rows.filter(({ cells }) => cells['variable']?.includes(`\`${name}\``));
    expect(documented.length, `a table row for ${name}`).toBeGreaterThan(0);
    for (const { line, cells } of documented) {
      expect(Object.values(cells).join(' | '), `README.md:${line}`).toContain(`${min} to ${max}`);
    }
  });
});

/** What a whole-number variable accepts, read from how its schema refuses a value past it. */
function rangeOf(name: string): [number, number] | undefined {
  const schema = ENV_SCHEMA.shape[name as keyof typeof ENV_SCHEMA.shape];
  const result = schema.safeParse('1000000000000');
  const message = result.success ? '' : (result.error.issues[0]?.message ?? '');
  const bounds = /^must be between (\d+) and (\d+)$/.exec(message);
  return bounds ? [Number(bounds[1]), Number(bounds[2])] : undefined;
}
