/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The control-plane suite needs built Go tools; it runs through `npm run test:cluster`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  // The tool packages import the library and each other by package name (tsconfig.json `paths`, same map).
  moduleNameMapper: require('./jest.module-names.js'),
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  collectCoverageFrom: ['lib/**/*.ts', 'teams/**/*.ts', 'scripts/**/*.ts', 'tools/*/src/**/*.ts', '!imports/**'],
  coveragePathIgnorePatterns: ['/node_modules/', '/imports/'],
  testTimeout: 60000,
};
