/** KRO: the HelmRelease and the aggregated ClusterRoles it is granted. */
import { Cilium } from '../../../../lib/core/operators/cilium';
import { Kro } from '../../../../lib/core/operators/kro';
import { Json } from '../../../helpers/platform';
import { renderConstruct } from '../../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new Kro(stage, 'kro'); })).toMatchSnapshot();
});

test('all props, and a grant', () => {
  expect(renderConstruct(({ before, stage }) => {
    const kro = new Kro(stage, 'kro', { dependsOn: [new Cilium(before, 'cilium')] });
    kro.grant('widgets', [{ apiGroup: 'example.com', resources: ['widgets'] }, { apiGroup: 'example.com', resources: ['widgets/status'], verbs: ['get'] }]);
  })).toMatchSnapshot();
});

test('KRO runs in aggregation RBAC mode', () => {
  const release = renderConstruct(({ stage }) => { new Kro(stage, 'kro'); }).find((o) => o.kind === 'HelmRelease') as Json;
  expect(release.spec.values.rbac.mode).toBe('aggregation');
});
