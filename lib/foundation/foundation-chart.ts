/**
 * FoundationChart: the five abstractions (KRO ResourceGraphDefinitions), the Kyverno policies that keep
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
import { mergeManagedResources, ResourceGraph } from './resource-graph';
import { PlatformWiring } from '../core/platform-wiring';
import { TopicDefinition } from './topic/definition';
import { WebApplicationDefinition } from './web-application/definition';
import { WorkspaceDefinition } from './workspace/definition';
import { WorkloadDefinition } from './workload/definition';
import { TenantResource, TenantRoles } from './tenant-access';
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
  /**
   * Flux's namespace (`FluxSyncProps.namespace`): each workspace's delivery account and status Role are
   * created there, beside the Kustomization that applies its stage. @default FLUX_NAMESPACE (`flux-system`)
   */
  readonly fluxNamespace?: string;
  /**
   * The platform's own abstractions, after the four built-ins: each builds one {@link ResourceGraph} in the
   * Foundation stage. A namespaced one becomes a tenant kind like the built-ins: KRO's grant, the
   * `workspace-scope` and `workspace-naming` policies, the tenant roles, the team stages' allowed kinds and
   * the `stateful-deletion` owners all include it; its construct (an `Instance` subclass) gets the prefix rule
   * and the name-clash checks from the base class. @default none
   */
  readonly abstractions?: readonly AbstractionFactory[];
}

/** Builds one of a platform's own abstractions in `stage` (see {@link FoundationChartProps.abstractions}). */
export type AbstractionFactory = (stage: FluxStage, wiring: PlatformWiring, environment: EnvironmentProfile) => ResourceGraph;

/** The Foundation layer. */
export class FoundationChart extends Chart {
  public readonly stage: FluxStage;
  /** The registered abstractions: the four built-ins, then the platform's own. */
  public readonly definitions: readonly ResourceGraph[];
  /** The namespaced abstractions: the kinds a team stage may hold and the tenant policies and roles cover. */
  public readonly tenantResources: readonly TenantResource[];
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
      new WorkspaceDefinition(this.stage, 'workspace', core.wiring, environment, props.fluxNamespace),
      new WebApplicationDefinition(this.stage, 'web-application', core.wiring),
      new WorkloadDefinition(this.stage, 'workload', core.wiring),
      new InfrastructureDefinition(this.stage, 'infrastructure', core.wiring, environment),
      new TopicDefinition(this.stage, 'topic', core.wiring, environment),
      ...(props.abstractions ?? []).map((build) => build(this.stage, core.wiring, environment)),
    ];
    this.tenantResources = this.definitions.filter((d) => !d.clusterScoped)
      .map((d) => ({ apiVersion: d.apiVersion, kind: d.kind, resource: d.resource }));
    const tenant = { resources: this.tenantResources };

    new WorkspaceNamingPolicy(this.stage, 'workspace-naming', tenant);
    new WorkspaceScopePolicy(this.stage, 'workspace-scope', tenant);
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
    new TenantRoles(this.stage, 'tenant-roles', tenant);

    // Exactly what the RGDs create (and the APIs they generate), derived from the registered definitions; KRO has no other access.
    core.kro.grant('platform-abstractions', mergeManagedResources(this.definitions.flatMap((d) => d.kroPermissions)));
  }
}
