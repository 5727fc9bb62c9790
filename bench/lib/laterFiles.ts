/**
 * The newest `--soak` and `--overload` results in a results folder: they
 * run apart from the comparison, and every report and the README's table
 * show the latest of each.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { OverloadResult } from './overload.js';
import type { BenchOptions } from './options.js';
import type { SoakResult } from './soak.js';
import type { LaterFiles } from './targets.js';

export async function readLaterFiles(folder: string): Promise<LaterFiles> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const newest = async <T>(prefix: string) => {
    const last = names
      .filter((file) => file.startsWith(prefix) && file.endsWith('.json'))
      .sort()
      .at(-1);
    if (!last) return null;
    return { file: last, ...(JSON.parse(await readFile(join(folder, last), 'utf8')) as T) };
  };
  const soak = await newest<{ results: SoakResult[] }>('soak-');
  const overload = await newest<{ options: BenchOptions; results: OverloadResult[] }>('overload-');
  return {
    soak: soak && { file: soak.file, results: soak.results },
    overload: overload && {
      file: overload.file,
      seconds: overload.options.overloadSeconds,
      results: overload.results,
    },
  };
}
