import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // `npm test` (with --coverage) reports line coverage of the dialect codecs, the translation
    // layer the conformance suite exists for, and fails below 95%.
    coverage: {
      provider: 'v8',
      include: ['src/dialects/**/*.ts'],
      exclude: ['src/dialects/**/*.test.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      thresholds: { lines: 95 },
    },
  },
});
