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

test("the shared Gateway (Cilium's ingress identity) reaches exactly this app's pods, on the app's HTTP port only", () => {
  const { gatewayAccess, deployment } = graphResources(objects);
  expect(gatewayAccess.template.kind).toBe('CiliumNetworkPolicy');
  expect(gatewayAccess.template.metadata.name).toBe('${schema.metadata.name + "-gateway"}');
  // The same labels the Deployment's pods carry, so the policy selects those pods and no other.
  expect(gatewayAccess.template.spec.endpointSelector).toEqual({ matchLabels: deployment.template.spec.selector.matchLabels });
  expect(gatewayAccess.template.spec.ingress).toEqual([{
    fromEntities: ['ingress'],
    toPorts: [{ ports: [{ port: '${string(schema.spec.port)}', protocol: 'TCP' }] }],
  }]);
  expect(gatewayAccess.template.spec.egress).toBeUndefined();
});
