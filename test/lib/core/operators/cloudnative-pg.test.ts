/** CloudNativePG: the PostgreSQL operator HelmRelease. */
import { Cilium } from '../../../../lib/core/operators/cilium';
import { CloudNativePg } from '../../../../lib/core/operators/cloudnative-pg';
import { renderConstruct } from '../../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new CloudNativePg(stage, 'cloudnative-pg'); })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct(({ before, stage }) => {
    new CloudNativePg(stage, 'cloudnative-pg', { dependsOn: [new Cilium(before, 'cilium')] });
  })).toMatchSnapshot();
});
