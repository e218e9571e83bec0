/** SharedGateway: the one Gateway applications attach HTTPRoutes to. */
import { SharedGateway } from '../../../lib/core/shared-gateway';
import { Json } from '../../helpers/platform';
import { issues } from '../../helpers/issues';
import { renderConstruct, testScope } from '../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new SharedGateway(stage, 'gateway'); })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct(({ stage }) => {
    new SharedGateway(stage, 'gateway', { name: 'edge', namespace: 'edge-system', domain: 'apps.example.com', httpPort: 9080, httpsPort: 9443, tlsSecretName: 'apps-example-com-tls' });
  })).toMatchSnapshot();
});

test('the Gateway uses class cilium: HTTP for the platform\'s redirect only, HTTPS with the cluster-held certificate for workspaces only', () => {
  const gw = renderConstruct(({ stage }) => { new SharedGateway(stage, 'gateway'); }).find((o) => o.kind === 'Gateway') as Json;
  expect(gw.spec.gatewayClassName).toBe('cilium');
  expect(gw.spec.listeners).toEqual([
    { name: 'http', protocol: 'HTTP', port: 8080, hostname: '*.localtest.me', allowedRoutes: { namespaces: { from: 'Same' } } },
    {
      name: 'https', protocol: 'HTTPS', port: 8443, hostname: '*.localtest.me',
      tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'gateway-tls' }] },
      allowedRoutes: { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'platform.mini-atlas.io/workspace', operator: 'Exists' }] } } },
    },
  ]);
});

test('HTTP redirects to HTTPS: one route on the HTTP listener, 301 to the same host and path on the HTTPS port', () => {
  const objects = renderConstruct(({ stage }) => { new SharedGateway(stage, 'gateway'); }) as unknown as Json[];
  expect(objects.filter((o) => o.kind === 'HTTPRoute')).toEqual([{
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'https-redirect', namespace: 'gateway-system', labels: { 'app.kubernetes.io/component': 'gateway', 'app.kubernetes.io/part-of': 'mini-atlas' } },
    spec: {
      parentRefs: [{ name: 'platform', sectionName: 'http' }],
      hostnames: ['*.localtest.me'],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', port: 8443, statusCode: 301 } }] }],
    },
  }]);
  // No Secret is synthesized: the certificate lives in the cluster only.
  expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
});

test('the URL of an app comes from the HTTPS listener: its scheme and port (none for 443)', () => {
  // Construction only (443 would fail synth's port rule on Kind's host-network Envoy, not the URL rule).
  const { stage } = testScope();
  const gw = new SharedGateway(stage, 'gateway');
  const standard = new SharedGateway(stage, 'edge', { name: 'edge', namespace: 'edge-system', httpsPort: 443 });
  const urls = [gw.urlFor('team-a.localtest.me'), standard.urlFor('team-a.localtest.me'), gw.urlCel('schema.spec.hostname'), standard.urlCel('schema.spec.hostname')];
  expect(urls).toEqual(['https://team-a.localtest.me:8443', 'https://team-a.localtest.me', '"https://" + schema.spec.hostname + ":8443"', '"https://" + schema.spec.hostname']);
});

test('fails if the domain is not a hostname, a port is privileged or out of range, the ports clash or the Secret name is bad, all reported at once', () => {
  const found = issues(() => renderConstruct(({ stage }) => { new SharedGateway(stage, 'gateway', { domain: 'Apps_Example', httpPort: 80, httpsPort: 80, tlsSecretName: 'TLS' }); }));
  expect(found.map((i) => [i.path, i.field, i.value, i.rule, i.fix])).toEqual([
    ['test/stage/gateway', 'domain', '"Apps_Example"', 'must be a lowercase DNS name such as "shop.localtest.me"', undefined],
    ['test/stage/gateway', 'httpPort', '80', 'must be between 1024 and 65535 (host-network Envoy cannot bind privileged ports)', 'pick a port from 1024, or listenerMode load-balancer'],
    ['test/stage/gateway', 'httpsPort', '80', 'must be between 1024 and 65535 (host-network Envoy cannot bind privileged ports)', 'pick a port from 1024, or listenerMode load-balancer'],
    ['test/stage/gateway', 'httpsPort', '80', 'is also the HTTP port: the two listeners need two ports', 'keep the defaults 8080 and 8443, or choose two ports'],
    ['test/stage/gateway', 'tlsSecretName', '"TLS"', 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit', 'name the kubernetes.io/tls Secret in the Gateway namespace that holds the certificate for *.<domain>'],
  ]);
});

test.each([[1023, 1], [1024, 0], [65535, 0], [65536, 1], [8080.5, 1]])('httpPort %d: %d issue(s)', (httpPort, count) => {
  expect(issues(() => renderConstruct(({ stage }) => { new SharedGateway(stage, 'gateway', { httpPort }); }))).toHaveLength(count);
});
