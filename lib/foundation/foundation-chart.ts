/**
 * FoundationChart: the four abstractions (KRO ResourceGraphDefinitions), the Kyverno policies that keep
 * tenants inside them, and the exact RBAC KRO needs to manage what the RGDs create.
 */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { FluxStage } from '../gitops/flux-stage';
import { PLATFORM_GROUP } from '../shared/api';
import { DATA_BEARING_KINDS } from '../shared/data-bearing';
import { InfrastructureDefinition } from './infrastructure/definition';
import { CachePasswordPolicy } from './policies/cache-password-policy';
import { KafkaCredentialsPolicy } from './policies/kafka-credentials-policy';
import { HostIsolationPolicy } from './policies/host-isolation-policy';
import { HostnameOwnershipPolicy } from './policies/hostname-ownership-policy';
import { OperatorLabelsPolicy } from './policies/operator-labels-policy';
import { ReservedWorkspacesPolicy } from './policies/reserved-workspaces-policy';
import {
  RoleBindingSubjectsPolicy, ServiceEndpointsPolicy, ServiceExposurePolicy, WorkspaceGuardrailsPolicy,
} from './policies/tenant-isolation-policies';
import { endpointControllers, guardrailControllers, labellingControllers } from '../core/platform-identities';
import { ImageRegistryPolicy, ImageRegistryPolicyProps } from './policies/image-registry-policy';
import { RequiredLabelsPolicy } from './policies/required-labels-policy';
import { StatefulDeletionPolicy } from './policies/stateful-deletion-policy';
import { WorkspaceNamingPolicy } from './policies/workspace-naming-policy';
import { WorkspaceScopePolicy } from './policies/workspace-scope-policy';
import { ResourceGraph } from './resource-graph';
import { TopicDefinition } from './topic/definition';
import { WebApplicationDefinition } from './web-application/definition';
import { WorkspaceDefinition } from './workspace/definition';
import { TENANT_ROLES, TenantRoles } from './tenant-access';
import { CoreChart } from '../core/core-chart';
import { EnvironmentProfile } from '../shared/environment';

/** Properties of {@link FoundationChart}. */
export interface FoundationChartProps extends ChartProps {
  /** The Core layer it builds on. */
  readonly core: CoreChart;
  /**
   * The environment profile whose sizes become the RGDs' schema defaults (Topic `replicas`, Workspace
   * `quota`, Infrastructure `postgres.instances`/`storage`), so an instance written as raw YAML gets them too.
   * @default the Core layer's profile (`core.environment`)
   */
  readonly environment?: EnvironmentProfile;
  /** Image registries tenants may pull from. @default ghcr.io, docker.io, quay.io, registry.k8s.io */
  readonly images?: ImageRegistryPolicyProps;
}

/** The Foundation layer. */
export class FoundationChart extends Chart {
  public readonly stage: FluxStage;
  public readonly definitions: readonly ResourceGraph[];
  /** The environment profile of the RGDs' defaults. */
  public readonly environment: EnvironmentProfile;
  /** The platform domain WebApplications get host names under (the shared Gateway's `*.<domain>`). */
  public readonly hostDomain: string;

  public constructor(scope: Construct, id: string, props: FoundationChartProps) {
    super(scope, id, props);
    const { core } = props;
    const environment = props.environment ?? core.environment;
    this.environment = environment;
    this.hostDomain = core.gateway.domain;
    // Waits for the RGDs and the policies (each registers its kind's health check) before tenants arrive.
    this.stage = new FluxStage(this, 'foundation', { path: 'foundation', dependsOn: [core.sharedServices] });

    this.definitions = [
      new WorkspaceDefinition(this.stage, 'workspace', core.wiring, environment),
      new WebApplicationDefinition(this.stage, 'web-application', core.wiring),
      new InfrastructureDefinition(this.stage, 'infrastructure', core.wiring, environment),
      new TopicDefinition(this.stage, 'topic', core.wiring, environment),
    ];

    new WorkspaceNamingPolicy(this.stage, 'workspace-naming');
    new WorkspaceScopePolicy(this.stage, 'workspace-scope');
    new ImageRegistryPolicy(this.stage, 'image-registries', props.images);
    new HostIsolationPolicy(this.stage, 'host-isolation');
    new RequiredLabelsPolicy(this.stage, 'required-labels');
    const ownerKinds = this.definitions.map((d) => ({ kind: d.kind, resource: d.resource }));
    new StatefulDeletionPolicy(this.stage, 'stateful-deletion', { ownerKinds });
    // The policy looks up the owners (platform instances) and lists the data-bearing kinds in a namespace.
    core.kyverno.allowLookups('stateful-deletion', [
      ...[...new Set(DATA_BEARING_KINDS.map((k) => k.group))].map((g) => ({ apiGroup: g, resources: DATA_BEARING_KINDS.filter((k) => k.group === g).map((k) => k.resource) })),
      { apiGroup: PLATFORM_GROUP, resources: ownerKinds.map((k) => k.resource) },
    ]);
    new CachePasswordPolicy(this.stage, 'cache-password');
    const { kafka } = core.wiring;
    new KafkaCredentialsPolicy(this.stage, 'kafka-credentials', {
      kafkaNamespace: kafka.namespace, kafkaCluster: kafka.clusterName, clusterCaSecret: kafka.clusterCaSecret,
    });
    new ReservedWorkspacesPolicy(this.stage, 'reserved-workspaces');
    new HostnameOwnershipPolicy(this.stage, 'hostname-ownership', { domain: core.gateway.domain });
    new WorkspaceGuardrailsPolicy(this.stage, 'workspace-guardrails', { managers: guardrailControllers(core.wiring.identities) });
    new OperatorLabelsPolicy(this.stage, 'operator-labels', { operators: labellingControllers(core.wiring.identities) });
    new ServiceExposurePolicy(this.stage, 'service-exposure');
    new ServiceEndpointsPolicy(this.stage, 'service-endpoints', { writers: endpointControllers(core.wiring.identities) });
    new RoleBindingSubjectsPolicy(this.stage, 'role-binding-subjects');
    new TenantRoles(this.stage, 'tenant-roles');

    // Exactly what the RGDs create (and the APIs they generate); KRO has no other access.
    core.kro.grant('platform-abstractions', [
      { apiGroup: PLATFORM_GROUP, resources: ['workspaces', 'webapplications', 'infrastructures', 'topics'] },
      { apiGroup: PLATFORM_GROUP, resources: ['workspaces/status', 'webapplications/status', 'infrastructures/status', 'topics/status'], verbs: ['get', 'update', 'patch'] },
      { apiGroup: '', resources: ['namespaces', 'services', 'resourcequotas', 'limitranges', 'serviceaccounts'] },
      // The Workspace RGD's delivery account, tenant bindings and stage-status Role. RBAC lets KRO bind a role only
      // if it holds the role's rights or has `bind` on it (escalation prevention,
      // https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-binding-creation-or-update):
      // `bind` on exactly the three tenant ClusterRoles, and read of Kustomizations, the one right of the status
      // Role it creates and binds. It needs no `escalate`: it never creates or changes a ClusterRole.
      { apiGroup: 'rbac.authorization.k8s.io', resources: ['roles', 'rolebindings'] },
      { apiGroup: 'rbac.authorization.k8s.io', resources: ['clusterroles'], verbs: ['bind'], resourceNames: Object.values(TENANT_ROLES).map((r) => r.name) },
      { apiGroup: 'kustomize.toolkit.fluxcd.io', resources: ['kustomizations'], verbs: ['get', 'watch'] },
      { apiGroup: 'apps', resources: ['deployments'] },
      { apiGroup: 'cilium.io', resources: ['ciliumnetworkpolicies'] },
      { apiGroup: 'gateway.networking.k8s.io', resources: ['httproutes'] },
      { apiGroup: 'postgresql.cnpg.io', resources: ['clusters'] },
      // Topic RGD: KafkaTopics; Workspace RGD: the workspace's KafkaUser (both in the Kafka namespace).
      { apiGroup: 'kafka.strimzi.io', resources: ['kafkatopics', 'kafkausers'] },
    ]);
  }
}
