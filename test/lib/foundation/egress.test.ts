/**
 * Issue 18, egress by name: the host rule, the CiliumNetworkPolicy each RGD renders (evaluated as KRO renders it)
 * and that policy checked against the pinned Cilium CRD schema.
 */
import { validateObject } from '../../../tools/validate/src/index';
import { sharedRegistry } from '../../../tools/validate/src/schema-registry';
import { EGRESS_HOST_PATTERN, egressHostProblem, egressRulesExpression } from '../../../lib/foundation/egress';
import { WebApplication, Workspace } from '../../../lib';
import { evaluateTemplate, renderTemplate as render } from '../../helpers/kro-readiness';
import { graphResources, renderConstruct, testWiring } from '../../helpers/construct';
import { WorkspaceDefinition } from '../../../lib/foundation/workspace/definition';
import { WebApplicationDefinition } from '../../../lib/foundation/web-application/definition';
import { tenantIssues, workspaceIssues } from '../../helpers/issues';

describe('egress host names: RFC 1123, exact or one leading *. label (Cilium matchPattern)', () => {
  const pattern = new RegExp(EGRESS_HOST_PATTERN);
  test.each([
    ['api.stripe.com', true], ['*.stripe.com', true], ['hooks.eu-1.example.io', true], ['x1.io', true],
    ['*', false], ['**.stripe.com', false], ['api.*.com', false], ['api*.stripe.com', false], ['API.stripe.com', false],
    ['*.com', false], ['stripe', false], ['10.0.0.1', false], ['-api.stripe.com', false], ['api.stripe.com.', false], ['api_1.stripe.com', false],
  ])('%s matches the schema pattern: %s', (host, ok) => {
    expect(pattern.test(host)).toBe(ok);
  });

  test('what the pattern cannot say: label length', () => {
    expect(egressHostProblem(`${'a'.repeat(64)}.example.com`)).toBe(`has the label "${'a'.repeat(64)}" longer than 63 characters`);
    expect(egressHostProblem('*.stripe.com')).toBeUndefined();
    expect(egressHostProblem('api.stripe.com')).toBeUndefined();
    // Left to the schema's pattern message (one message per fault).
    expect(egressHostProblem('*')).toBeUndefined();
  });
});

const HOSTS = [{ host: 'api.stripe.com', ports: [443] }, { host: '*.sentry.io', ports: [443, 8443] }];
const DNS_RULE = {
  toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } }],
  toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }], rules: { dns: [{ matchPattern: 'api.stripe.com' }, { matchPattern: '*.sentry.io' }] } }],
};
const FQDN_RULES = [
  { toFQDNs: [{ matchPattern: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
  { toFQDNs: [{ matchPattern: '*.sentry.io' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }, { port: '8443', protocol: 'TCP' }] }] },
];


/** Problems of `object` against the pinned CRD schema of its kind (structure, formats, CEL rules). */
function crdProblems(object: { apiVersion: string; kind: string }): string[] {
  const { registry } = sharedRegistry();
  const kind = registry.lookup(object.apiVersion, object.kind);
  if ('error' in kind) throw new Error(kind.error);
  return validateObject(kind, object, registry, { evaluations: 0, failures: 0, transitionRules: [], unevaluable: [] }, new Set()).map((i) => `${i.path}: ${i.message}`);
}

describe('the workspace-egress policy of the Workspace RGD', () => {
  const { egress } = graphResources(renderConstruct((scope) => { new WorkspaceDefinition(scope.stage, 'workspace', testWiring(scope)); }));
  const schema = (hosts: unknown[]) => ({ metadata: { name: 'team-a' }, spec: { team: 'team-a', egress: hosts } });

  test('exists only when the workspace lists hosts', () => {
    expect(egress.includeWhen).toEqual(['${size(schema.spec.egress) > 0}']);
    expect([evaluateTemplate(egress.includeWhen[0], { schema: schema([]) }), evaluateTemplate(egress.includeWhen[0], { schema: schema(HOSTS) })]).toEqual([false, true]);
  });

  test('as KRO renders it for two hosts: the DNS rule naming both, then one toFQDNs rule each; valid against the pinned Cilium CRD', () => {
    const policy = render(egress.template, { schema: schema(HOSTS), workspaceNamespace: { metadata: { name: 'team-a' } } }) as { apiVersion: string; kind: string };
    expect(policy).toEqual({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'workspace-egress', namespace: 'team-a' },
      spec: {
        description: 'External host names every pod of the workspace may reach (workspace egress), and their DNS lookups',
        endpointSelector: {},
        egress: [DNS_RULE, ...FQDN_RULES],
      },
    });
    expect(crdProblems(policy)).toEqual([]);
  });

  test('the CRD check is not vacuous: an unknown field and a port that is no port are reported', () => {
    const policy = render(egress.template, { schema: schema(HOSTS), workspaceNamespace: { metadata: { name: 'team-a' } } }) as { apiVersion: string; kind: string; spec: { egress: Record<string, unknown>[] } };
    policy.spec.egress[1] = { toFQDNs: [{ matchPattern: 'api.stripe.com', bogus: 1 }], toPorts: [{ ports: [{ port: 'https!', protocol: 'TCP' }] }] };
    expect(crdProblems(policy)).toEqual([
      '$.spec.egress[1].toFQDNs[0].bogus: unknown field "bogus"',
      '$.spec.egress[1].toPorts[0].ports[0].port: value "https!" does not match pattern ^(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})|([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*$',
    ]);
  });
});

describe('the <app>-egress policy of the WebApplication RGD', () => {
  const { egress, deployment } = graphResources(renderConstruct((scope) => { new WebApplicationDefinition(scope.stage, 'web-application', testWiring(scope)); }));

  test('selects exactly the app\'s pods and allows its hosts; valid against the pinned Cilium CRD', () => {
    const schema = { metadata: { name: 'team-a-web', namespace: 'team-a' }, spec: { egress: HOSTS.slice(0, 1) } };
    const policy = render(egress.template, { schema }) as { apiVersion: string; kind: string; spec: { endpointSelector: unknown } };
    expect(policy.spec).toEqual({
      description: 'External host names this web application may reach (app egress), and their DNS lookups',
      endpointSelector: { matchLabels: { 'app.kubernetes.io/instance': 'team-a-web', 'app.kubernetes.io/name': 'web-application' } },
      egress: [{ ...DNS_RULE, toPorts: [{ ...DNS_RULE.toPorts[0], rules: { dns: [{ matchPattern: 'api.stripe.com' }] } }] }, FQDN_RULES[0]],
    });
    expect(render(deployment.template.spec.selector.matchLabels, { schema })).toEqual((policy.spec.endpointSelector as { matchLabels: unknown }).matchLabels);
    expect((policy as unknown as { metadata: { name: string } }).metadata.name).toBe('team-a-web-egress');
    expect(crdProblems(policy)).toEqual([]);
  });

  test('one expression builds the rules (no per-entry condition in KRO v0.9.3)', () => {
    expect(egress.template.spec.egress).toBe(`\${${egressRulesExpression('schema.spec.egress')}}`);
  });
});

describe('egress in the constructs: spec and validation messages', () => {
  test('a workspace and an app list hosts: they reach the instance specs as written', () => {
    const objects = renderConstruct((scope) => {
      const ws = new Workspace(scope.stage, 'team-a', { team: 'team-a', egress: [{ host: '*.sentry.io', ports: [443] }] });
      new WebApplication(ws, 'web', { image: 'ghcr.io/acme/web:1.0.0', hostname: 'web.localtest.me', egress: [{ host: 'api.stripe.com', ports: [443] }] });
    }) as unknown as { kind: string; spec: { egress?: unknown } }[];
    expect(Object.fromEntries(objects.filter((o) => o.kind === 'Workspace' || o.kind === 'WebApplication').map((o) => [o.kind, o.spec.egress]))).toEqual({
      Workspace: [{ host: '*.sentry.io', ports: [443] }],
      WebApplication: [{ host: 'api.stripe.com', ports: [443] }],
    });
  });

  test('bad hosts and ports: each with its exact message', () => {
    expect(workspaceIssues((ws) => new WebApplication(ws, 'web', {
      image: 'ghcr.io/acme/web:1.0.0', hostname: 'web.localtest.me',
      egress: [
        { host: '*', ports: [443] }, { host: '*.com', ports: [443] }, { host: 'api.stripe.com', ports: [] }, { host: 'api.stripe.com', ports: [70000] },
        { host: `${'a'.repeat(64)}.example.com`, ports: [443] },
      ],
    }))).toEqual([
      {
        path: 'delivery/team/team-a/apps/web', field: 'spec.egress[0].host', value: '"*"',
        rule: 'must match a lowercase DNS name such as api.stripe.com, or *.stripe.com for one label in its place',
      },
      {
        path: 'delivery/team/team-a/apps/web', field: 'spec.egress[1].host', value: '"*.com"',
        rule: 'must match a lowercase DNS name such as api.stripe.com, or *.stripe.com for one label in its place',
      },
      { path: 'delivery/team/team-a/apps/web', field: 'spec.egress[2].ports', value: '[]', rule: 'must have at least 1 items, has 0' },
      { path: 'delivery/team/team-a/apps/web', field: 'spec.egress[3].ports[0]', value: '70000', rule: 'must be between 1 and 65535' },
      {
        path: 'delivery/team/team-a/apps/web', field: 'spec.egress[4].host', value: `"${'a'.repeat(64)}.example.com"`,
        rule: `has the label "${'a'.repeat(64)}" longer than 63 characters`,
        fix: 'list the exact host names the app calls, e.g. api.stripe.com, or *.<domain> for one label',
      },
    ]);
    expect(tenantIssues((s) => new Workspace(s, 'team-a', { team: 'a', egress: [{ host: 'Api.Stripe.com', ports: [443] }] }))).toEqual([{
      path: 'delivery/team/team-a', field: 'spec.egress[0].host', value: '"Api.Stripe.com"',
      rule: 'must match a lowercase DNS name such as api.stripe.com, or *.stripe.com for one label in its place',
    }]);
  });
});
