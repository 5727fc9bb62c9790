/**
 * The README's benchmark block is what `npm run bench:readme` renders from
 * the run it names: a new run, soak or overload file, or a change to how
 * targets are judged, shows here until the README is written again.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../bench/lib/options.js';
import {
  BLOCK_END,
  README,
  cellsText,
  findBlock,
  renderReadmeBlock,
  withBlock,
} from '../../bench/lib/readmeTable.js';
import { STAMPED_RUN, stamp } from '../../bench/lib/report.js';

describe("the README's benchmark block", () => {
  const readme = readFileSync(README, 'utf8');

  it('is the block bench:readme renders from the run it names', async () => {
    const found = findBlock(readme);
    expect(found?.runFile).toMatch(/^bench\/results\/[\w-]+\.json$/);
    expect(`${found!.block}\n`).toBe(await renderReadmeBlock(found!.runFile));
  });

  it('shows the chart and the report of that run', () => {
    const { block, runFile } = findBlock(readme)!;
    const run = runFile.replace(/\.json$/, '');
    expect(block).toContain(`](${run}.svg)`);
    expect(block).toContain(`\`${run}.md\``);
  });

  it("says how long a cell's load lasted and where the warm-up stopped", () => {
    expect(cellsText(parseOptions([]))).toBe(
      '7 rounds of cells of 1.5 s, which autocannon ends at its next whole second, so about 2 s; ' +
        'each contender warmed up on each shape to 3000 requests or 30 s, whichever came first',
    );
    const options = ['--rounds', '3', '--seconds', '3', '--warm-up-seconds', '4'];
    expect(cellsText(parseOptions([...options, '--warm-up-requests', '500']))).toBe(
      '3 rounds of cells of 3 s, which autocannon ends at its next whole second, so about 3 s; ' +
        'each contender warmed up on each shape to 500 requests or 24 s, whichever came first',
    );
  });

  it('is replaced whole, and only it', () => {
    const text = `before\n${findBlock(readme)!.block}\nafter\n`;
    const replaced = withBlock(text, '<!-- bench:targets: new -->\n' + BLOCK_END + '\n');
    expect(replaced).toBe(`before\n<!-- bench:targets: new -->\n${BLOCK_END}\nafter\n`);
  });

  it("defaults to a full run's file, named by its stamp alone", () => {
    const name = stamp(new Date(2025, 0, 31, 14, 5));
    expect(STAMPED_RUN.test(`${name}.json`)).toBe(true);
    expect(STAMPED_RUN.test(`${name}-memory-reducer.json`)).toBe(false);
    expect(STAMPED_RUN.test(`soak-${name}.json`)).toBe(false);
  });
});
