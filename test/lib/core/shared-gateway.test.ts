/** SharedGateway: the one Gateway applications attach HTTPRoutes to. */
import { SharedGateway } from '../../../lib/core/shared-gateway';
import { Json } from '../../helpers/platform';
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
