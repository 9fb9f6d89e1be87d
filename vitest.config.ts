import { createRequire } from 'node:module';
import { configDefaults, defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** Files that need more than a few seconds of wall time (the benchmark check, the full soak): `npm run test:slow`. */
const SLOW = 'test/**/*.slow.test.ts';
/** Fails the run when any secret a test registered shows up in anything the tests captured. */
const SECRETS_CHECK = 'test/support/global-setup.ts';

export default defineConfig({
  resolve: {
    // graphql 16 has no exports map: without this alias vite and Node load two copies
    // ("Cannot use GraphQLSchema from another module or realm").
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql/index.js') }],
  },
  test: {
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    env: { NODE_ENV: 'test' },
    // Both cores (vitest's default leaves one idle): most files wait on sockets, timers and
    // child processes as much as they compute.
    maxWorkers: 2,
    // `npm test` runs the fast project, `npm run test:slow` the slow one; a file named on the
    // command line runs in whichever project it belongs to.
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, SLOW],
          globalSetup: [SECRETS_CHECK],
          // Each worker loads Apollo, the gateways and the app once rather than once per file:
          // importing them was half of the suite's time. Sound because every file starts and
          // stops its own servers and no test mocks modules or leaves globals changed.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: [SLOW],
          globalSetup: [SECRETS_CHECK],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          // One at a time: these measure throughput and memory, which a neighbour would skew.
          fileParallelism: false,
          // The full soak's RSS check is meaningful only after a full gc.
          execArgv: ['--expose-gc'],
        },
      },
    ],
  },
});
