import { execFileSync } from 'node:child_process';

export interface PromotionProbe {
  /** Module code run first (imports, a warm-up). */
  setup: string;
  /** Loop body run `times` times after a full collection; `i` is the index. */
  each: string;
  times: number;
  /** Module code run after the measurement. */
  teardown?: string;
}

/**
 * What reached the old generation, in MB, while a fresh Node.js process ran
 * `each` `times` times and then two young-generation collections: objects
 * the young generation could not free. In a child process so this process's
 * heap, and vitest's, stay out of it.
 */
export function promotedMegabytes({ setup, each, times, teardown = '' }: PromotionProbe): number {
  const script = `
    ${setup}
    const { getHeapSpaceStatistics } = await import('node:v8');
    const oldSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
    gc();
    const before = oldSpace();
    for (let i = 0; i < ${times}; i++) { ${each} }
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    process.stdout.write(String((oldSpace() - before) / 1e6));
    ${teardown}
  `;
  return Number(
    execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    ),
  );
}
