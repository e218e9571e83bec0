/** Cilium: the CNI HelmRelease. */
import { Cilium } from '../../../../lib/core/operators/cilium';
import { Json } from '../../../helpers/platform';
import { renderConstruct } from '../../../helpers/construct';
import { issues } from '../../../helpers/issues';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new Cilium(stage, 'cilium'); })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct(({ stage }) => {
    new Cilium(stage, 'cilium', { apiServerHost: 'kind-control-plane', apiServerPort: 6444, hubble: true });
  })).toMatchSnapshot();
});

test('Cilium replaces kube-proxy and runs the Gateway API in host-network mode', () => {
  const release = renderConstruct(({ stage }) => { new Cilium(stage, 'cilium'); }).find((o) => o.kind === 'HelmRelease') as Json;
  const values = release.spec.values;
  expect(values.kubeProxyReplacement).toBe(true);
  expect(values.gatewayAPI).toMatchObject({ enabled: true, hostNetwork: { enabled: true } });
});

test.each([0, 65536, 6443.5])('fails if apiServerPort is not a TCP port: %s', (apiServerPort) => {
  expect(issues(() => renderConstruct(({ stage }) => { new Cilium(stage, 'cilium', { apiServerPort }); }))).toEqual([{
    path: 'test/stage/cilium', field: 'apiServerPort', value: String(apiServerPort),
    rule: 'must be a TCP port (an integer from 1 to 65535)', fix: 'use the port kube-apiserver serves on (6443 on Kind)',
  }]);
});

test.each([1, 65535])('accepts apiServerPort %s (the boundaries)', (apiServerPort) => {
  expect(issues(() => renderConstruct(({ stage }) => { new Cilium(stage, 'cilium', { apiServerPort }); }))).toEqual([]);
});
