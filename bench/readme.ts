/**
 * `npm run bench:readme -- [bench/results/<stamp>.json]` puts a run into the
 * README: its chart and its targets (bench/lib/readmeTable.ts), with the
 * latest soak and overload files beside it. Without an argument, the newest
 * run whose file name is a bare stamp, as `npm run bench` names it.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { README, ROOT, renderReadmeBlock, withBlock } from './lib/readmeTable.js';
import { STAMPED_RUN } from './lib/report.js';

const RESULTS = 'bench/results';

const newestRun = async () => {
  const newest = (await readdir(`${ROOT}${RESULTS}`))
    .filter((file) => STAMPED_RUN.test(file))
    .sort()
    .at(-1);
  if (!newest) throw new Error(`No run in ${RESULTS}/: run npm run bench first.`);
  return `${RESULTS}/${newest}`;
};

const given = process.argv[2];
const runFile = given === undefined ? await newestRun() : relative(ROOT, resolve(given));
const block = await renderReadmeBlock(runFile);
await writeFile(README, withBlock(await readFile(README, 'utf8'), block));
process.stderr.write(`README.md now shows ${runFile}\n`);
