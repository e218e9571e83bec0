/**
 * `npm run test:cluster`: the control-plane suite (real etcd, kube-apiserver, KRO controller and Kyverno CLI,
 * built by `npm run tools`). Separate from `npm test`, which needs only Node.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: require('./jest.module-names.js'),
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  // One file at a time: each starts its own control plane, and two at once on two cores starve each other
  // (a teardown check timed out in CI that way).
  maxWorkers: 1,
  // List every test, also when several files run (CI logs show what was proven).
  verbose: true,
  testTimeout: 300000,
  // Child processes are stopped in afterAll; this only guards against a hung handle.
  forceExit: false,
};
