/**
 * `npm run test:e2e`: the e2e suite on a real node (containerd, kubelet, kube-scheduler, kube-proxy, CoreDNS)
 * registered with the test control plane; see tools/node. Needs root, the tools of `npm run tools` and
 * Debian's containerd, runc, CNI plugins and busybox-static (.ci/run installs them). The control-plane suite's
 * settings (one file at a time: one node per host; every test listed), its own tests.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('./jest.cluster.config.js'),
  roots: ['<rootDir>/test/e2e'],
  // The Cilium node has its own command (`npm run test:e2e:cilium`, jest.e2e-cilium.config.js): its tools are
  // built only when it runs.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/cilium\\.test\\.ts$'],
};
