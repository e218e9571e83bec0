/** WebApplicationDefinition: the WebApplication RGD (Deployment, Service, HTTPRoute). */
import { WebApplicationDefinition } from '../../../../lib/foundation/web-application/definition';
import { graphResources, renderConstruct, testWiring } from '../../../helpers/construct';

const objects = renderConstruct((scope) => { new WebApplicationDefinition(scope.stage, 'web-application', testWiring(scope)); });

test('defaults (the default shared services)', () => {
  expect(objects).toMatchSnapshot();
});

test('WebApplication routes its hostname through the shared Gateway to its Service', () => {
  const { route, service } = graphResources(objects);
  expect(route.template.spec.parentRefs).toEqual([{ name: 'platform', namespace: 'gateway-system', sectionName: 'http' }]);
  expect(route.template.spec.hostnames).toEqual(['${schema.spec.hostname}']);
  expect(route.template.spec.rules[0].backendRefs[0]).toEqual({ name: '${service.metadata.name}', port: service.template.spec.ports[0].port });
});
