/**
 * `npm run build` (and so `npm start`): compile src/ into dist/ only as far as something
 * changed. tsc's build mode skips the compiler when nothing did (its build info lives in
 * dist/.tsbuildinfo) and otherwise recompiles incrementally; but it trusts its build info
 * and would not notice a file deleted from dist/. So every output is checked first, and
 * when one is missing the build info goes too, so that tsc emits all of src/ again.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingOutputs } from './build-outputs.js';
import { readCommandLine } from './command-line.js';

readCommandLine({
  name: 'npm run build',
  usage: `usage: npm run build

Compiles src/ into dist/ (tsconfig.build.json), only as far as something changed; a file
missing from dist/ makes it compile all of src/ again. Takes no arguments.`,
});

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BUILD_INFO = join(ROOT, 'dist', '.tsbuildinfo');
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const missing = missingOutputs(ROOT);
if (missing.length > 0 && existsSync(BUILD_INFO)) {
  process.stdout.write(`dist/ lacks ${missing.length} file(s), e.g. ${missing[0]}: compiling all of src/ again\n`);
  rmSync(BUILD_INFO);
}
const tsc = spawnSync(process.execPath, [TSC, '--build', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
process.exit(tsc.status ?? 1);
