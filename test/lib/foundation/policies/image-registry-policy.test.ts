/** ImageRegistryPolicy: the `image-registries` policy. */
import { ImageRegistryPolicy } from '../../../../lib/foundation/policies/image-registry-policy';
import { POD_POLICY_SCOPE, podPolicyScope } from '../../../helpers/policies';
import { renderConstruct } from '../../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new ImageRegistryPolicy(stage, 'image-registries'); })).toMatchSnapshot();
});

test('matches exactly v1 pods, so Kyverno auto-generates its Deployment/StatefulSet/… rules', () => {
  expect(podPolicyScope(renderConstruct(({ stage }) => { new ImageRegistryPolicy(stage, 'image-registries'); })[0])).toEqual(POD_POLICY_SCOPE);
});

test('all props', () => {
  expect(renderConstruct(({ stage }) => {
    new ImageRegistryPolicy(stage, 'image-registries', { allowedRegistries: ['registry.example.com/', 'ghcr.io/acme/'] });
  })).toMatchSnapshot();
});
