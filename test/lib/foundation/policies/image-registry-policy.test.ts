/** ImageRegistryPolicy: the `image-registries` policy. */
import { ImageRegistryPolicy } from '../../../../lib/foundation/policies/image-registry-policy';
import { Json } from '../../../helpers/platform';
import { renderConstruct } from '../../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new ImageRegistryPolicy(stage, 'image-registries'); })).toMatchSnapshot();
});

test('matches exactly v1 pods, so Kyverno auto-generates its Deployment/StatefulSet/… rules', () => {
  const p = renderConstruct(({ stage }) => { new ImageRegistryPolicy(stage, 'image-registries'); })[0] as Json;
  expect(p.spec.matchConstraints.resourceRules).toEqual([expect.objectContaining({ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] })]);
  expect(p.spec.autogen.podControllers.controllers).toEqual(['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs']);
});

test('all props', () => {
  expect(renderConstruct(({ stage }) => {
    new ImageRegistryPolicy(stage, 'image-registries', { allowedRegistries: ['registry.example.com/', 'ghcr.io/acme/'] });
  })).toMatchSnapshot();
});
