/**
 * `npm run test:e2e`: the e2e suite on a real node (containerd, kubelet, kube-scheduler, Cilium as CNI, CoreDNS)
 * registered with the test control plane; see tools/node. Needs root, the tools of `npm run tools` (Cilium's named) and
 * Debian's containerd, runc, CNI plugins and busybox-static (.ci/run installs them). The control-plane suite's
 * settings (one file at a time: one node per host; every test listed), its own tests.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('./jest.cluster.config.js'),
  roots: ['<rootDir>/test/e2e'],
};
