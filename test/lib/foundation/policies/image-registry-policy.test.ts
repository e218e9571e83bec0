/** ImageRegistryPolicy: the `image-registries` policy. */
import { ImageRegistryPolicy } from '../../../../lib/foundation/policies/image-registry-policy';
import { POD_POLICY_SCOPE, policyScope } from '../../../helpers/policies';
import { renderConstruct } from '../../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new ImageRegistryPolicy(stage, 'image-registries'); })).toMatchSnapshot();
});

test('matches bare Pods, ephemeral containers and every pod-template kind explicitly (no autogen)', () => {
  expect(policyScope(renderConstruct(({ stage }) => { new ImageRegistryPolicy(stage, 'image-registries'); })[0])).toEqual(POD_POLICY_SCOPE);
});

test('all props', () => {
  expect(renderConstruct(({ stage }) => {
    new ImageRegistryPolicy(stage, 'image-registries', { allowedRegistries: ['registry.example.com/', 'ghcr.io/acme/'] });
  })).toMatchSnapshot();
});
