/**
 * `npm run test:e2e`: the e2e suite on a real node (containerd, kubelet, kube-scheduler, kube-proxy, CoreDNS)
 * registered with the test control plane; see tools/node. Needs root, the tools of `npm run tools` and
 * Debian's containerd, runc and CNI plugins (.ci/run installs them).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: require('./jest.module-names.js'),
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  // One node per host (a lock): the files run one after the other.
  maxWorkers: 1,
  verbose: true,
  testTimeout: 300000,
  forceExit: false,
};
