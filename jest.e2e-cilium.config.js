/**
 * `npm run test:e2e:cilium`: the e2e node with Cilium as its CNI (test/e2e/cilium.test.ts). Its tools (Cilium's
 * binaries, Helm, the agent image's root filesystem) are built by `npm run tools -- cilium cilium-helm
 * cilium-runtime-rootfs`, which a bare `npm run tools` (and so `npm run test:e2e` and `.ci/run`) never builds.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('./jest.cluster.config.js'),
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/cilium.test.ts'],
};
