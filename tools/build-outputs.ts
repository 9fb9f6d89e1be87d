/**
 * What dist/ must hold for src/ (a .js per module, and the JSON files modules import), and
 * which of it is missing: tsc's build info cannot tell a file deleted from dist/.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Outputs under `root`/dist that `root`/src calls for and that do not exist, repository-relative. */
export function missingOutputs(root: string): string[] {
  return (readdirSync(join(root, 'src'), { recursive: true }) as string[])
    .filter((file) => (file.endsWith('.ts') && !file.endsWith('.d.ts')) || file.endsWith('.json'))
    .map((file) => join('dist', file.replace(/\.ts$/, '.js')))
    .filter((output) => !existsSync(join(root, output)))
    .sort();
}
