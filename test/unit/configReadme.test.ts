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
  it.each(variables)('document %s', (name) => {
    expect(README).toContain(`\`${name}\``);
  });

  const withScalarDefault = variables.filter((name) =>
    ['number', 'string', 'boolean'].includes(typeof defaults[name]),
  );

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
});
