/** `npm run test:slow`: the tests that need real time (named *.slow.test.ts), with the suite's own setup. */
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  { ...base, test: { ...base.test, include: [], exclude: [] } },
  defineConfig({ test: { include: ['test/**/*.slow.test.ts'], testTimeout: 120_000 } }),
);
