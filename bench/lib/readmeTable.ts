/**
 * The README's benchmark block: a run's chart, what the run was, and its
 * targets side by side for the default gateway and `GRAPHQL_JIT=true`,
 * rendered from the run's JSON file and the latest soak and overload files
 * beside it. `npm run bench:readme` writes it; a unit test renders it again
 * from the file the README names, so the README cannot drift from the run.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { fmt } from './format.js';
import { readLaterFiles } from './laterFiles.js';
import { closedLoopSeconds } from './load.js';
import { warmUpLimitSeconds, type BenchOptions } from './options.js';
import { evaluateTargets, type TargetInputs, type TargetRow } from './targets.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const README = `${ROOT}README.md`;
const JIT = ' (GRAPHQL_JIT=true)';
const BLOCK_START = '<!-- bench:targets';
export const BLOCK_END = '<!-- /bench:targets -->';

/** What a run's JSON file keeps that the block needs. */
interface StoredRun extends TargetInputs {
  options: BenchOptions;
  environment: Record<string, string>;
  seconds: number;
}

/** The block for the run in `runFile` (a path from the repository root), formatted as the README is. */
export async function renderReadmeBlock(runFile: string): Promise<string> {
  const run = JSON.parse(await readFile(`${ROOT}${runFile}`, 'utf8')) as StoredRun;
  const later = await readLaterFiles(dirname(`${ROOT}${runFile}`));
  const name = basename(runFile, '.json');
  const folder = dirname(runFile);
  const { options, environment } = run;
  const lines = [
    `${BLOCK_START}: written by \`npm run bench:readme -- ${runFile}\` -->`,
    '',
    `![Throughput and CPU per request relative to the raw baseline, run ${name}](${folder}/${name}.svg)`,
    '',
    `The run \`${folder}/${name}.md\` (\`npm run bench\`, ${fmt(run.seconds / 60, 0)} min; ` +
      `Node.js ${environment.node}, ${environment.cpu}; ${cellsText(options)}). ` +
      'Ratios are taken within each round; a row gives the median over shapes of their ' +
      "medians over rounds, and the worst shape. The first rows are the run's own noise: " +
      "`raw-twin` runs raw's very code, so a ratio inside their range may be noise alone. " +
      "The verdicts are recomputed from the run's JSON file by the rules of this checkout " +
      "(bench/README.md), which may read stricter than the run's own report.",
    '',
    '| target | goal | default gateway | `GRAPHQL_JIT=true` |',
    '| --- | --- | --- | --- |',
    ...tableRows(evaluateTargets(run, later)),
    '',
    BLOCK_END,
  ];
  const text = lines.join('\n');
  return format(text, { ...(await resolveConfig(README)), parser: 'markdown' });
}

/**
 * How long a cell's load lasted and how far it was warmed up: a window runs
 * to autocannon's next whole second, and a slow contender's warm-up stops at
 * its time limit short of its requests.
 */
export const cellsText = (options: BenchOptions) =>
  `${options.rounds} rounds of cells of ${options.seconds} s, which autocannon ends at its ` +
  `next whole second, so about ${closedLoopSeconds(options.seconds)} s; each contender warmed ` +
  `up on each shape to ${options.warmUpRequests} requests or ${warmUpLimitSeconds(options)} s, ` +
  'whichever came first';

/** One line a target: the default gateway's row beside its `GRAPHQL_JIT=true` twin. */
function tableRows(targets: TargetRow[]): string[] {
  const jit = new Map(
    targets.filter((t) => t.target.endsWith(JIT)).map((t) => [t.target.slice(0, -JIT.length), t]),
  );
  return targets
    .filter((t) => !t.target.endsWith(JIT))
    .map((t) => {
      const twin = jit.get(t.target);
      return `| ${t.target} | ${t.goal} | ${cell(t)} | ${twin ? cell(twin) : '–'} |`;
    });
}

function cell({ measured, met }: TargetRow): string {
  if (met === null) return measured;
  // Why a rerun (the rounds scatter, or are too few) is in `measured`.
  const verdict = met === 'rerun' ? 'rerun' : met ? 'met' : 'not met';
  return `**${verdict}**: ${measured}`;
}

/** The block as it stands in `readme`, and the run file it names; undefined without one. */
export function findBlock(readme: string): { block: string; runFile: string } | undefined {
  const start = readme.indexOf(BLOCK_START);
  const end = readme.indexOf(BLOCK_END, start);
  if (start < 0 || end < 0) return undefined;
  const block = readme.slice(start, end + BLOCK_END.length);
  const runFile = /npm run bench:readme -- (\S+\.json)/.exec(block)?.[1];
  return runFile === undefined ? undefined : { block, runFile };
}

/** `readme` with its block replaced by `block`. */
export function withBlock(readme: string, block: string): string {
  const found = findBlock(readme);
  if (!found) throw new Error(`README.md has no ${BLOCK_START} … ${BLOCK_END} block.`);
  return readme.replace(found.block, () => block.trimEnd());
}
