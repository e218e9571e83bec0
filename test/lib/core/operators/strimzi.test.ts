/** Strimzi: the Kafka operator HelmRelease. */
import { Cilium } from '../../../../lib/core/operators/cilium';
import { Strimzi } from '../../../../lib/core/operators/strimzi';
import { renderConstruct } from '../../../helpers/construct';

test('defaults (required props only)', () => {
  expect(renderConstruct(({ stage }) => { new Strimzi(stage, 'strimzi', { watchNamespaces: ['kafka'] }); })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct(({ before, stage }) => {
    new Strimzi(stage, 'strimzi', { watchNamespaces: ['kafka', 'kafka-b'], dependsOn: [new Cilium(before, 'cilium')], podSecurity: 'baseline' });
  })).toMatchSnapshot();
});
