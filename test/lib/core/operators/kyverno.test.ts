/** Kyverno: the HelmRelease and the RBAC of its background controller. */
import { Cilium } from '../../../../lib/core/operators/cilium';
import { Kyverno } from '../../../../lib/core/operators/kyverno';
import { renderConstruct } from '../../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new Kyverno(stage, 'kyverno'); })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct(({ before, stage }) => {
    new Kyverno(stage, 'kyverno', { dependsOn: [new Cilium(before, 'cilium')], replicas: 3 });
  })).toMatchSnapshot();
});
