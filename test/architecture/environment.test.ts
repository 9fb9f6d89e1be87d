/**
 * The environment has one reader: src/config/ parses it once, and everything else in the
 * product is handed the values. A module that read (or wrote) `process.env` itself would
 * have its own defaults and its own idea of a bad value, and no problem of it would be
 * named at start-up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT, sourceFiles } from '../support/module-graph.js';

describe('the environment', () => {
  it('is read only in src/config/: no other module of src/ mentions process.env', () => {
    const readers = sourceFiles('src')
      .filter((module) => !module.startsWith('src/config/'))
      .filter((module) => /process\s*\.\s*env\b|process\s*\[\s*['"]env['"]\s*\]/.test(readFileSync(join(REPOSITORY_ROOT, module), 'utf8')));
    expect(readers).toEqual([]);
  });

  it('is read in src/config/ (the check above looks in the right place)', () => {
    const config = sourceFiles('src').filter((module) => module.startsWith('src/config/'));
    expect(config.some((module) => readFileSync(join(REPOSITORY_ROOT, module), 'utf8').includes('process.env'))).toBe(true);
  });
});
