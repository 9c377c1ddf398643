import { defineConfig } from 'vitest/config';

// Two projects. `unit`: pure logic, no server (`npm run test:unit` runs on a machine with
// no PostgreSQL). `stack`: integration, reliability and browser tests on the real local
// stack, which the global setup brings up; some inject faults into that shared stack, so
// files run one at a time (for both projects, to keep CPU contention out of the stack tests).
export default defineConfig({
  test: {
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-output/vitest-results.json' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'stack',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/reliability/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
