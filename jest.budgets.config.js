/**
 * `npm run test:budgets`: the package's budgets (issue 17: a strict type-check of a consumer ≤ 5 s of CPU,
 * `require('mini-atlas')` ≤ 150 ms), measured on the packed packages. Timing measurements stay out of
 * `npm test`; `.ci/run` runs them as their own timed phase.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('./jest.config.js'),
  roots: ['<rootDir>/test/budgets'],
  testPathIgnorePatterns: ['/node_modules/'],
  // List every test (CI logs show the budgets and what was measured).
  verbose: true,
};
