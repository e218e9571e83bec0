/** Cilium: the CNI HelmRelease. */
import { Cilium } from '../../../../lib/core/operators/cilium';
import { Json } from '../../../helpers/platform';
import { renderConstruct } from '../../../helpers/construct';

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
