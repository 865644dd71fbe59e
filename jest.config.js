/**
 * Jest runs the TypeScript sources as native ES modules: ts-jest transpiles each file on its
 * own (isolatedModules), and `npm run typecheck` does the type checking.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }],
  },
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 60_000,
  globalSetup: '<rootDir>/tests/global-setup.js',
  testResultsProcessor: '<rootDir>/tests/results-summary.js',
};
