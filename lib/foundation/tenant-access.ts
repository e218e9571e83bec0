/**
 * Tenant access: what a team's Flux stage and a team's people may do, and nothing more.
 *
 * - **delivery**: the account Flux applies a team's stage as (`delivery-<workspace>` in Flux's namespace) may
 *   manage exactly the platform's tenant kinds (WebApplication, Workload, Infrastructure, Topic) in its workspace. Nothing
 *   cluster-scoped, no other namespace, no Secret.
 * - **developer**: the tenant kinds, Secrets and ConfigMaps in the own workspace, read of what runs there
 *   (pods and their logs, Services, Deployments, …) and read of the own Flux Kustomization's status.
 * - **view**: read of the workspace's tenant kinds and what runs there; no Secrets, no logs.
 *
 * The ClusterRoles here are namespace-neutral rule sets: the Workspace RGD binds them in its namespace only
 * (RoleBindings), so a grant never reaches another namespace. Kubernetes RBAC is additive and a RoleBinding to
 * a ClusterRole grants its rules in the binding's namespace only
 * (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding).
 */
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { FLUX_NAMESPACE } from '../gitops/flux-sync';
import { PLATFORM_API_VERSION, PLATFORM_GROUP } from '../shared/api';
import { TenantKind } from '../gitops/flux-stage';
import { partOfLabel } from '../shared/platform-name';

/** A platform kind a tenant writes, with its plural resource. */
export interface TenantResource extends TenantKind {
  /** Plural resource name, e.g. `webapplications`. */
  readonly resource: string;
}

/**
 * The built-in namespaced tenant kinds (Workspace is cluster-scoped: the platform's). A platform's full list —
 * these and the abstractions it adds — is `FoundationChart.tenantResources`.
 */
export const TENANT_RESOURCES: readonly TenantResource[] = [
  { apiVersion: PLATFORM_API_VERSION, kind: 'WebApplication', resource: 'webapplications' },
  { apiVersion: PLATFORM_API_VERSION, kind: 'Workload', resource: 'workloads' },
  { apiVersion: PLATFORM_API_VERSION, kind: 'Infrastructure', resource: 'infrastructures' },
  { apiVersion: PLATFORM_API_VERSION, kind: 'Topic', resource: 'topics' },
];

/** One RBAC rule (`rbac.authorization.k8s.io/v1` PolicyRule). */
export interface TenantRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** @default every object of the resources */
  readonly resourceNames?: readonly string[];
}

const READ = ['get', 'list', 'watch'];
const MANAGE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** What runs in a workspace that its team may read (never Secrets). */
function workloadRead(tenantResources: readonly string[]): readonly TenantRule[] {
  return [
    { apiGroups: [PLATFORM_GROUP], resources: tenantResources.flatMap((r) => [r, `${r}/status`]), verbs: READ },
    { apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'configmaps', 'events', 'persistentvolumeclaims', 'resourcequotas', 'limitranges'], verbs: READ },
    { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: READ },
    { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
    { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ },
    { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: READ },
    { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], verbs: READ },
  ];
}

/** One tenant ClusterRole: its name and rules. */
export interface TenantRole {
  readonly name: string;
  readonly rules: readonly TenantRule[];
}

/** The three tenant roles. */
export interface TenantRoleSet {
  /** Flux's account for a team stage: the tenant kinds and nothing else. */
  readonly delivery: TenantRole;
  /** A team's developers. */
  readonly developer: TenantRole;
  /** A team's viewers. */
  readonly view: TenantRole;
}

/**
 * The three tenant roles for a platform whose tenant kinds are `resources` (the registered namespaced
 * abstractions: the built-ins and any the platform adds, `FoundationChart.tenantResources`).
 */
export function tenantRoles(resources: readonly TenantResource[]): TenantRoleSet {
  const tenantResources = resources.map((r) => r.resource);
  const read = workloadRead(tenantResources);
  return {
    delivery: {
      name: 'mini-atlas:tenant-delivery',
      rules: [{ apiGroups: [PLATFORM_GROUP], resources: tenantResources, verbs: MANAGE }],
    },
    developer: {
      name: 'mini-atlas:tenant-developer',
      rules: [
        ...read,
        { apiGroups: [PLATFORM_GROUP], resources: tenantResources, verbs: MANAGE },
        { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: MANAGE },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      ],
    },
    view: { name: 'mini-atlas:tenant-view', rules: read },
  };
}

/** The tenant roles of the built-in kinds ({@link TENANT_RESOURCES}); their names are the same for every platform. */
export const TENANT_ROLES: TenantRoleSet = tenantRoles(TENANT_RESOURCES);

/** Rule of the per-workspace Role in Flux's namespace: read of the team stage's own Kustomization. */
export function kustomizationStatusRule(kustomizationName: string): TenantRule {
  return { apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: ['get', 'watch'], resourceNames: [kustomizationName] };
}

/** A name derived from the workspace name, as a value and as CEL. */
export interface WorkspaceDerived {
  (workspace: string): string;
  /** CEL producing the name from a CEL expression for the workspace name. */
  cel(workspaceExpr: string): string;
}

function derived(prefix: string, suffix: string): WorkspaceDerived {
  return Object.assign((workspace: string) => `${prefix}${workspace}${suffix}`, {
    cel: (e: string) => [prefix ? `"${prefix}"` : '', e, suffix ? `"${suffix}"` : ''].filter(Boolean).join(' + '),
  });
}

/** The service account (in Flux's namespace) a workspace's stage is applied as. */
export const deliveryServiceAccount = derived('delivery-', '');
/** The Flux Kustomization of a workspace's stage (`delivery/<workspace>` with `/` → `-`). */
export const deliveryKustomization = derived('delivery-', '');
/** The group whose members develop in a team's workspaces. */
export const developerGroup = derived('mini-atlas:', ':developers');
/** The group whose members view a team's workspaces. */
export const viewerGroup = derived('mini-atlas:', ':viewers');

/** Properties of {@link TenantRoles}. */
export interface TenantRolesProps {
  /** The tenant kinds the roles grant. @default TENANT_RESOURCES (the built-ins) */
  readonly resources?: readonly TenantResource[];
}

/** The tenant ClusterRoles, shipped in the Foundation stage (before any Workspace binds them). */
export class TenantRoles extends Construct {
  public constructor(scope: Construct, id: string, props: TenantRolesProps = {}) {
    super(scope, id);
    const roles: TenantRoleSet = tenantRoles(props.resources ?? TENANT_RESOURCES);
    for (const [key, role] of Object.entries(roles) as [string, TenantRole][]) {
      new k8s.KubeClusterRole(this, key, {
        metadata: { name: role.name, labels: partOfLabel(this) },
        rules: role.rules.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
      });
    }
  }
}

/** Flux's namespace, where the delivery accounts and the status Roles live. */
export const DELIVERY_ACCOUNT_NAMESPACE = FLUX_NAMESPACE;
