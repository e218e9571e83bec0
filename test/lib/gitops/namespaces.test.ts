/**
 * Issue 11, items 1 and 2, at synth: a namespace exists before the stage that writes into it, and an operator's
 * pods meet the Pod Security level of the namespaces they land in. Each rule: today's case, and a made-up
 * component of the same shape.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import * as k8s from '../../../imports/k8s';
import { buildPlatform } from '../../../lib/build-platform';
import { addTeamA } from '../../../teams/team-a';
import {
  FluxStage, FluxSync, HelmComponent, HelmComponentProps, meetsPodSecurity, namespacesInValues, renderApp, SharedKafka,
  Strimzi,
} from '../../../lib';
import { issues } from '../../helpers/issues';


/** An app with an operators stage and a stage after it, wired to Flux (which runs the graph checks). */
function twoStages(): { app: App; operators: FluxStage; later: FluxStage } {
  const app = new App();
  const core = new Chart(app, 'core');
  const operators = new FluxStage(core, 'operators', { path: 'core/operators' });
  const later = new FluxStage(core, 'shared-services', { path: 'core/shared-services', dependsOn: [operators] });
  new FluxSync(new FluxStage(new Chart(app, 'flux'), 'fs', { path: 'flux-system' }), 'sync', { stages: [operators, later] });
  return { app, operators, later };
}

const ACME: HelmComponentProps = {
  chart: { chart: 'acme-operator', version: '1.0.0', repository: 'https://charts.acme.example' },
  namespace: 'acme-system',
  namespaceUse: [{
    field: 'targetNamespaces',
    writesInto: ['acme-data'],
    operandPods: { namespaces: ['acme-data'], podSecurity: 'baseline', howToRaise: 'set securityProfile: restricted' },
  }],
};

describe('a namespace a chart writes into exists before the chart installs', () => {
  test('today: Strimzi watches "kafka", which the shared services create one stage later', () => {
    const { app, operators, later } = twoStages();
    const kafka = new SharedKafka(later, 'kafka');
    new Strimzi(operators, 'strimzi', { watchNamespaces: [kafka.namespace] });
    expect(issues(() => renderApp(app))).toEqual([{
      path: 'core/operators/strimzi',
      field: 'watchNamespaces',
      value: '"kafka"',
      rule: 'must exist before stage core/operators is applied, but it is created by Namespace kafka in stage core/shared-services, which stage core/operators does not depend on',
      fix: 'create the namespace in stage core/operators or in a stage it depends on',
    }]);
  });

  test('made up: a chart told to write into a namespace no stage creates', () => {
    const { app, operators } = twoStages();
    new HelmComponent(operators, 'acme', ACME);
    expect(issues(() => renderApp(app))).toEqual([{
      path: 'core/operators/acme', field: 'targetNamespaces', value: '"acme-data"',
      rule: 'must exist before stage core/operators is applied, but no stage creates it',
      fix: 'create the namespace in stage core/operators or in a stage it depends on',
    }]);
  });

  test('made up: the namespace in the same stage is in time (Flux applies Namespaces first)', () => {
    const { app, operators } = twoStages();
    new HelmComponent(operators, 'acme', ACME);
    new k8s.KubeNamespace(operators, 'data', { metadata: { name: 'acme-data' } });
    expect(issues(() => renderApp(app))).toEqual([]);
  });

  test('made up: a chart whose values name a namespace, declared or not', () => {
    const { app, operators } = twoStages();
    new HelmComponent(operators, 'watcher', {
      chart: { chart: 'acme-watcher', version: '1.0.0', repository: 'https://charts.acme.example' },
      namespace: 'acme-system',
      values: { controller: { watchNamespaces: ['ghost'], logLevel: 'info' } },
    });
    expect(issues(() => renderApp(app))).toEqual([{
      path: 'core/operators/watcher', field: 'values.controller.watchNamespaces[0]', value: '"ghost"',
      rule: 'must exist before stage core/operators is applied, but no stage creates it',
      fix: 'create the namespace in stage core/operators or in a stage it depends on',
    }]);
    expect(namespacesInValues({ namespace: 'a', targetNamespaces: ['b', 'c'], nested: [{ watchNamespace: 'd' }], namespaceCount: 3, other: 'e' }))
      .toEqual([
        { path: 'namespace', namespace: 'a' }, { path: 'targetNamespaces[0]', namespace: 'b' },
        { path: 'targetNamespaces[1]', namespace: 'c' }, { path: 'nested[0].watchNamespace', namespace: 'd' },
      ]);
  });

  test('made up: a literal namespace in an RGD template that no stage creates', () => {
    const platform = buildPlatform({ teams: (d) => { addTeamA(d); } });
    new ApiObject(platform.foundation.stage, 'gadget', {
      apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', metadata: { name: 'gadget.example.com' },
      spec: {
        schema: { apiVersion: 'v1alpha1', kind: 'Gadget', group: 'example.com', spec: {} },
        resources: [{ id: 'config', template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '${schema.metadata.name}', namespace: 'ghost' } } }],
      },
    });
    expect(issues(() => renderApp(platform.app))).toEqual([{
      path: 'foundation/foundation/gadget', field: 'resources.config.template.metadata.namespace', value: '"ghost"',
      rule: 'must exist before stage foundation is applied, but no stage creates it',
      fix: 'create the namespace in stage foundation or in a stage it depends on',
    }]);
  });

  test('made up: any namespaced object, in a namespace created nowhere', () => {
    const platform = buildPlatform({ teams: (d) => { addTeamA(d); } });
    new ApiObject(platform.foundation.stage, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'ghost' } });
    expect(issues(() => renderApp(platform.app))).toEqual([{
      path: 'foundation/foundation/settings', field: 'metadata.namespace', value: '"ghost"',
      rule: 'must exist before stage foundation is applied, but no stage creates it',
      fix: 'create the namespace in stage foundation or in a stage it depends on',
    }]);
  });

  test('made up: an object in a workspace namespace, in the same stage as the Workspace that creates it', () => {
    const platform = buildPlatform({ teams: (d) => { addTeamA(d); } });
    new ApiObject(platform.delivery.workspaces, 'early', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'early', namespace: 'team-a' } });
    expect(issues(() => renderApp(platform.app))).toEqual([{
      path: 'delivery/workspaces/early', field: 'metadata.namespace', value: '"team-a"',
      rule: 'must exist before stage delivery/workspaces is applied, but it is created by Workspace team-a in stage delivery/workspaces, and Flux dry-runs a whole stage before an instance can create it',
      fix: 'create the namespace in stage delivery/workspaces or in a stage it depends on',
    }]);
  });
});

describe("an operator's pods meet the Pod Security level of the namespaces they land in", () => {
  test('today: Strimzi with its own default (baseline) provider in "kafka", which enforces restricted', () => {
    const { app, operators } = twoStages();
    const kafka = new SharedKafka(operators, 'kafka');
    new Strimzi(operators, 'strimzi', { watchNamespaces: [kafka.namespace], podSecurity: 'baseline' });
    expect(issues(() => renderApp(app))).toEqual([{
      path: 'core/operators/strimzi', field: 'podSecurity', value: '"baseline"',
      rule: 'is below the Pod Security level "restricted" that namespace "kafka" enforces, where this operator creates pods, so the API server rejects them',
      fix: "set podSecurity: 'restricted' (STRIMZI_POD_SECURITY_PROVIDER_CLASS=restricted)",
    }]);
  });

  test('made up: an operator creating baseline pods in a namespace of a later stage that enforces restricted', () => {
    const { app, operators, later } = twoStages();
    new HelmComponent(operators, 'acme', ACME);
    new k8s.KubeNamespace(later, 'data', { metadata: { name: 'acme-data', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    expect(issues(() => renderApp(app))).toEqual([
      {
        path: 'core/operators/acme', field: 'targetNamespaces', value: '"acme-data"',
        rule: 'must exist before stage core/operators is applied, but it is created by Namespace acme-data in stage core/shared-services, which stage core/operators does not depend on',
        fix: 'create the namespace in stage core/operators or in a stage it depends on',
      },
      {
        path: 'core/operators/acme', field: 'podSecurity', value: '"baseline"',
        rule: 'is below the Pod Security level "restricted" that namespace "acme-data" enforces, where this operator creates pods, so the API server rejects them',
        fix: 'set securityProfile: restricted',
      },
    ]);
  });

  test('made up: a cluster-wide operator with baseline pods meets every Workspace namespace (restricted)', () => {
    const platform = buildPlatform({ teams: (d) => { addTeamA(d); } });
    new HelmComponent(platform.core.operators, 'acme', {
      ...ACME,
      namespaceUse: [{ field: 'watchAnyNamespace', operandPods: { namespaces: '*', podSecurity: 'baseline', howToRaise: 'set securityProfile: restricted' } }],
    });
    const rule = (where: string) =>
      `is below the Pod Security level "restricted" that ${where} enforces, where this operator creates pods, so the API server rejects them`;
    expect(issues(() => renderApp(platform.app))).toEqual(
      ['namespace "kafka"', 'namespace "gateway-system"', 'the namespace of every Workspace'].map((where) => ({
        path: 'core/operators/acme', field: 'podSecurity', value: '"baseline"', rule: rule(where), fix: 'set securityProfile: restricted',
      })),
    );
  });

  test.each([
    ['restricted', 'restricted', true], ['baseline', 'restricted', false], ['restricted', 'baseline', true],
    ['privileged', 'baseline', false], ['baseline', 'privileged', true],
  ] as const)('%s pods in a namespace enforcing %s: admitted %s', (pods, enforced, admitted) => {
    expect(meetsPodSecurity(pods, enforced)).toBe(admitted);
  });
});
