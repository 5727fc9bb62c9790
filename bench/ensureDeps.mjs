// Installs the benchmark's own dependencies (Hive Gateway, Mesh) into
// bench/node_modules on first use, so `npm run bench` works on a fresh clone.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const bench = fileURLToPath(new URL('.', import.meta.url));
if (!existsSync(`${bench}node_modules/@graphql-hive/gateway-runtime/package.json`)) {
  process.stderr.write('Installing the benchmark dependencies into bench/node_modules\n');
  execSync('npm ci --no-audit --no-fund', { cwd: bench, stdio: 'inherit' });
}
