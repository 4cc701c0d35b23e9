/** Jest through ts-jest in ESM mode; type checking is `npm run typecheck`'s job, so ts-jest only transpiles. */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testTimeout: 30000,
  // Two workers on the 2-core machines this runs on (Jest's default is cores − 1, so one): most
  // test files wait on their peers (Mosquitto, PostgreSQL, agents, Chromium) and timers, not on the
  // CPU. Measured on the whole suite: 774 s with one worker, 404 s with two, all passing.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
