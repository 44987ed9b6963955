import { configDefaults, defineConfig } from 'vitest/config';

// Unit tests sit beside the code; multi-process and end-to-end tests live in test/.
// Node 20 lacks Promise.withResolvers, which libp2p calls: every test process loads the
// polyfill first (see federation/src/network/polyfill.ts).
const setupFiles = ['federation/src/network/polyfill.ts'];

export default defineConfig({
  test: {
    // The JSON report lets .ci/run print one plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.tmp/vitest-results.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          setupFiles,
          include: ['node/**/*.test.ts', 'client/**/*.test.ts', 'federation/**/*.test.ts'],
          // Component tests run in Chromium under web-test-runner (web-test-runner.config.js).
          exclude: [...configDefaults.exclude, '**/*.browser.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          setupFiles,
          include: ['test/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          // Each file starts real node processes; running them one at a time keeps the
          // 2-core machine from starving them.
          fileParallelism: false,
        },
      },
    ],
  },
});
