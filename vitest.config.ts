import { defineConfig } from 'vitest/config';

// Unit tests import workspace packages from source (the "source" export condition); e2e tests run
// the built CLI and real Chromium, so the test script builds first and gives them more time.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    projects: [
      {
        extends: true,
        // --expose-gc lets tests prove that a signal or handle survives garbage collection.
        test: { name: 'unit', include: ['packages/*/src/**/*.test.ts', 'scripts/**/*.test.ts'], testTimeout: 20_000, execArgv: ['--expose-gc'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['packages/*/test/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
