/**
 * Contenders run as what ships: JavaScript compiled by tsc, under plain
 * `node`, as `npm start` runs the gateway. Run from TypeScript through tsx,
 * every process carried tsx's module hooks: 54 to 69 MB more peak resident
 * memory in one run (bench/results/2026-12-04-1852-ab-compiled.md), and a resolver round
 * trip on every `require` made at run time (Apollo Server requires `crypto`
 * on each query hash), which charged the gateway for work production never
 * does.
 *
 * Each checkout (this one, or another given with `--base`) is compiled into
 * its own `.bench-build/` with that checkout's `tsconfig.json`, so `--base`
 * compares the two sources the same way.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const BUILD_DIR = '.bench-build';

/** What the compiled files read at run time, beside them as beside the sources. */
const RUNTIME_FILES = ['schema', 'bench/node_modules', 'bench/contenders/enfuce.openapi.yaml'];

const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const builds = new Map<string, Promise<string>>();

/** Compiles `checkout`'s `src/` and `bench/` once per harness run; resolves to the build folder. */
export function buildCheckout(checkout: string): Promise<string> {
  const root = resolve(checkout);
  let build = builds.get(root);
  if (!build) {
    build = compile(root);
    builds.set(root, build);
  }
  return build;
}

/** The compiled file of `entry` (a `.ts` path relative to `bench/`) in `build`. */
export const compiledEntry = (build: string, entry: string): string =>
  join(build, 'bench', entry.replace(/\.ts$/, '.js'));

async function compile(root: string): Promise<string> {
  const build = join(root, BUILD_DIR);
  process.stderr.write(`compiling ${root} into ${BUILD_DIR}/\n`);
  await mkdir(build, { recursive: true });
  const tsconfig = join(build, 'tsconfig.json');
  await writeFile(
    tsconfig,
    JSON.stringify({
      extends: '../tsconfig.json',
      compilerOptions: {
        noEmit: false,
        rootDir: '..',
        outDir: '.',
        sourceMap: false,
        incremental: true,
        tsBuildInfoFile: './tsconfig.tsbuildinfo',
      },
      include: ['../src', '../bench'],
      exclude: ['../bench/node_modules', '../bench/results', '.'],
    }),
  );
  try {
    await promisify(execFile)(process.execPath, [TSC, '-p', tsconfig], { cwd: root });
  } catch (error) {
    // Exit code 2: type errors, files written anyway (an older `--base`
    // checkout against newer types). Anything else left nothing to run.
    const failure = error as { code?: number; stdout?: string };
    if (failure.code !== 2) throw error;
    process.stderr.write(
      `${failure.stdout ?? ''}tsc reported type errors in ${root}; running its output anyway\n`,
    );
  }
  for (const file of RUNTIME_FILES) {
    const target = join(root, file);
    if (!existsSync(target)) continue;
    try {
      await symlink(target, join(build, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return build;
}
