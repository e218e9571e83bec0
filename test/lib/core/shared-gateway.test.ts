/** SharedGateway: the one Gateway applications attach HTTPRoutes to. */
import { SharedGateway } from '../../../lib/core/shared-gateway';
import { Json } from '../../helpers/platform';
import { issues } from '../../helpers/issues';
import { renderConstruct } from '../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new SharedGateway(stage, 'gateway'); })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct(({ stage }) => {
    new SharedGateway(stage, 'gateway', { name: 'edge', namespace: 'edge-system', domain: 'apps.example.com', httpPort: 8443 });
  })).toMatchSnapshot();
});

test('the Gateway uses class cilium and admits routes from workspaces only', () => {
  const gw = renderConstruct(({ stage }) => { new SharedGateway(stage, 'gateway'); }).find((o) => o.kind === 'Gateway') as Json;
  expect(gw.spec.gatewayClassName).toBe('cilium');
  expect(gw.spec.listeners[0].allowedRoutes.namespaces).toEqual({
    from: 'Selector',
    selector: { matchExpressions: [{ key: 'platform.mini-atlas.io/workspace', operator: 'Exists' }] },
  });
});

test('fails if the domain is not a hostname or the port is privileged or out of range, all reported at once', () => {
  const found = issues(() => renderConstruct(({ stage }) => { new SharedGateway(stage, 'gateway', { domain: 'Apps_Example', httpPort: 80 }); }));
  expect(found.map((i) => [i.path, i.field, i.value, i.rule])).toEqual([
    ['test/stage/gateway', 'domain', '"Apps_Example"', 'must be a lowercase DNS name such as "shop.localtest.me"'],
    ['test/stage/gateway', 'httpPort', '80', 'must be between 1024 and 65535 (host-network Envoy cannot bind privileged ports)'],
  ]);
});

test.each([[1023, 1], [1024, 0], [65535, 0], [65536, 1], [8080.5, 1]])('httpPort %d: %d issue(s)', (httpPort, count) => {
  expect(issues(() => renderConstruct(({ stage }) => { new SharedGateway(stage, 'gateway', { httpPort }); }))).toHaveLength(count);
});
