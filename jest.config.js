/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The control-plane and e2e suites need built Go tools (and the e2e suite root and a node's packages); they run
  // through `npm run test:cluster` and `npm run test:e2e`. The package's budgets are timing measurements:
  // `npm run test:budgets`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/', '<rootDir>/test/e2e/', '<rootDir>/test/budgets/'],
  // The tool packages import the library and each other by package name (tsconfig.json `paths`, same map).
  moduleNameMapper: require('./jest.module-names.js'),
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  collectCoverageFrom: ['lib/**/*.ts', 'teams/**/*.ts', 'scripts/**/*.ts', 'tools/*/src/**/*.ts', '!imports/**'],
  coveragePathIgnorePatterns: ['/node_modules/', '/imports/'],
  testTimeout: 60000,
};
