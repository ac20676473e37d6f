/** Layers: unit (pure domain), workflows (time-skipping server), db, api and deploy (real servers), web (the app in Chromium), chaos (faults under load). */
const layer = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  ...extra,
});

module.exports = {
  projects: [
    layer('unit'),
    layer('workflows'),
    layer('db'),
    layer('activities'),
    layer('api'),
    layer('deploy'),
    layer('e2e'),
    layer('web'),
    layer('chaos'),
  ],
  // Tests talk to real servers that take seconds to start; none of them is a timing assertion.
  testTimeout: 120_000,
  maxWorkers: 2,
};
