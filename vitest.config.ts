import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * A project that runs the built extension in Chromium (or waits on real servers): one browser at a
 * time, with the time a browser needs.
 */
function browserProject(name: string, include: string[]): TestProjectInlineConfiguration {
  return {
    extends: true,
    test: { name, include, environment: 'node', testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false },
  };
}

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
        },
      },
      {
        // The social team's receiver (receiver/), each suite on PGlite and on a real PostgreSQL server
        // that tests/receiver/global-setup.ts starts from Debian's postgresql package.
        extends: true,
        test: {
          name: 'receiver',
          include: ['tests/receiver/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/receiver/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      browserProject('e2e', ['tests/e2e/**/*.test.ts']),
      // The paths that matter, the same steps in Chromium and in Firefox ESR (puppeteer-core).
      browserProject('browsers', ['tests/browsers/**/*.test.ts']),
      // The hostile-page suite: attacks on the built extension in Chromium, the golden manifest,
      // fuzzing of messages and configuration. `npm run test:security`; part of `npm test`.
      browserProject('security', ['tests/security/**/*.test.{ts,tsx}']),
      // Budgets on the production build that hold on a shared machine (sizes, counts, ratios).
      browserProject('budget', ['tests/budget/**/*.test.ts']),
    ],
  },
});
