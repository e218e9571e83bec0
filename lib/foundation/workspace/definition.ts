/**
 * The Workspace API: a tenant namespace (labelled, Pod Security `restricted` enforced), default-deny
 * network isolation with exactly the flows a workspace needs, a ResourceQuota + LimitRange, the team's
 * delivery account and role bindings, and the workspace's Kafka user on the shared cluster.
 */
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import {
  CiliumNetworkPolicy,
  CiliumNetworkPolicySpecEgressToEntities,
  CiliumNetworkPolicySpecEndpointSelectorMatchExpressionsOperator,
  CiliumNetworkPolicySpecEgressToPortsPortsProtocol as Protocol,
  CiliumNetworkPolicySpecIngressToPortsPortsProtocol as IngressProtocol,
} from '../../../imports/cilium.io';
import {
  KafkaUser,
  KafkaUserSpecAuthenticationType,
  KafkaUserSpecAuthorizationAcls,
  KafkaUserSpecAuthorizationAclsOperations as KafkaOperation,
  KafkaUserSpecAuthorizationAclsResourcePatternType,
  KafkaUserSpecAuthorizationAclsResourceType,
  KafkaUserSpecAuthorizationAclsType,
  KafkaUserSpecAuthorizationType,
} from '../../../imports/kafka.strimzi.io';
import { PLATFORM_GROUP } from '../../shared/api';
import { celKafkaWorkspacePrefix } from '../conventions';
import { LABELS } from '../../shared/api';
import { cel } from '../../shared/cel';
import { EnvironmentProfile, LOCAL } from '../../shared/environment';
import { workspaceFields } from './schema';
import { PlatformWiring } from '../../core/platform-wiring';
import { ResourceGraph } from '../resource-graph';
import { egressPolicyResource, KUBE_DNS_SELECTOR, POD_NAMESPACE } from '../egress';
import {
  DELIVERY_ACCOUNT_NAMESPACE, deliveryKustomization, deliveryServiceAccount, developerGroup, kustomizationStatusRule,
  TENANT_ROLES, viewerGroup,
} from '../tenant-access';

/**
 * DNS names workspace pods may resolve: the cluster's own (`<service>.<namespace>.svc.cluster.local` and the
 * search-list expansions of shorter names). `**.` matches any number of labels (Cilium
 * pkg/fqdn/matchpattern, `subdomainWildcardSpecifierPrefix`); a single `*` matches within one label only.
 * Every address the platform hands an application (database, cache, Kafka bootstrap) is a `.svc` name.
 * External names are not resolvable (kube-dns would forward them upstream, a tunnel out of the cluster), except
 * those the workspace or an app allows by name (`egress`, lib/foundation/egress.ts), whose policy adds them.
 */
export const WORKSPACE_DNS_PATTERNS = ['**.cluster.local'] as const;

/** Ports of a CloudNativePG instance the operator calls: status (8000) and PostgreSQL (5432). */
export const CNPG_OPERATOR_PORTS = [8000, 5432] as const;

const NAME = 'schema.metadata.name';
/** Children reference the namespace resource, so KRO creates them after it. (`namespace` is a reserved CEL word.) */
const IN_NAMESPACE = cel('workspaceNamespace.metadata.name');
const q = (expr: string) => k8s.Quantity.fromString(cel(expr));
const TEAM = 'schema.spec.team';
const RBAC_GROUP = 'rbac.authorization.k8s.io';
/** A RoleBinding of a tenant ClusterRole in the workspace namespace, named `<workspace>-<suffix>`. */
const tenantBinding = (suffix: string, role: string, subject: k8s.Subject) => k8s.KubeRoleBinding.manifest({
  metadata: { name: cel(`${NAME} + "-${suffix}"`), namespace: IN_NAMESPACE, labels: { [LABELS.workspace]: cel(NAME), [LABELS.managedBy]: 'kro' } },
  roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: role },
  subjects: [subject],
});

/**
 * What a workspace's Kafka user may do, by resource type: on topics and consumer groups under the workspace's
 * prefix (`<workspace>.`, `patternType: prefix`), read, write (topics) and describe — never Create, Delete,
 * Alter, AlterConfigs or anything on the cluster (topics exist only as Topic instances; the Topic Operator, a
 * super user, creates them). Consumer groups take no Write (Kafka's group operations are Read, Describe and
 * Delete: Apache Kafka documentation, "Authorization and ACLs", operations and resources). An idempotent
 * producer needs no `IdempotentWrite` on the cluster: Write on a topic implies it (KIP-679). Transactions are not
 * granted (no `transactionalId` ACL).
 */
export const WORKSPACE_KAFKA_ACLS: Readonly<Record<'topic' | 'group', readonly KafkaOperation[]>> = {
  topic: [KafkaOperation.READ, KafkaOperation.WRITE, KafkaOperation.DESCRIBE],
  group: [KafkaOperation.READ, KafkaOperation.DESCRIBE],
};

/**
 * Why a Workspace does not wait for its KafkaUser (the declared exception to the readiness rule,
 * `GraphResource.notAwaited`; lib/foundation/readiness.ts). The KafkaUser still has its readiness signal (the User
 * Operator's Ready condition for the current generation), and the Topics that need Kafka wait for theirs (the
 * Topic RGD awaits its KafkaTopic), so a broken Kafka shows on the Topics and the stage that holds them.
 */
export const KAFKA_USER_NOT_AWAITED = 'a Kafka or User Operator outage must not hold a workspace that has no Topics, nor Flux\'s ' +
  'delivery-workspaces stage and every team after it; the Topics that use Kafka wait for their own KafkaTopic';

/** The RGD behind `kind: Workspace` (cluster-scoped; the instance name is the namespace name). */
export class WorkspaceDefinition extends ResourceGraph {
  /**
   * @param environment the profile whose sizes become the schema defaults (every `quota` value) @default LOCAL
   * @param fluxNamespace Flux's namespace, where each workspace's delivery account and status Role live
   * @default DELIVERY_ACCOUNT_NAMESPACE (`flux-system`)
   */
  public constructor(
    scope: Construct, id: string, wiring: PlatformWiring, environment: EnvironmentProfile = LOCAL,
    fluxNamespace: string = DELIVERY_ACCOUNT_NAMESPACE,
  ) {
    const ns = cel(NAME);
    super(scope, id, {
      kind: 'Workspace',
      clusterScoped: true,
      fields: workspaceFields(environment),
      status: { namespace: IN_NAMESPACE, phase: '${workspaceNamespace.status.phase}' },
      printerColumns: [{ name: 'Team', type: 'string', jsonPath: '.spec.team' }],
      // RBAC lets KRO bind a role only if it holds the role's rights or has `bind` on it (escalation prevention,
      // https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-binding-creation-or-update):
      // `bind` on exactly the three tenant ClusterRoles, and read of Kustomizations, the one right of the status
      // Role it creates and binds. It needs no `escalate`: it never creates or changes a ClusterRole.
      permissions: [
        { apiGroup: RBAC_GROUP, resources: ['clusterroles'], verbs: ['bind'], resourceNames: Object.values(TENANT_ROLES).map((r) => r.name) },
        { apiGroup: 'kustomize.toolkit.fluxcd.io', resources: ['kustomizations'], verbs: ['get', 'watch'] },
      ],
      resources: [
        {
          id: 'workspaceNamespace',
          template: k8s.KubeNamespace.manifest({
            metadata: {
              name: ns,
              labels: {
                [LABELS.workspace]: ns,
                [LABELS.team]: cel('schema.spec.team'),
                [LABELS.managedBy]: 'kro',
                'pod-security.kubernetes.io/enforce': 'restricted',
                'pod-security.kubernetes.io/enforce-version': 'latest',
                'pod-security.kubernetes.io/warn': 'restricted',
                'pod-security.kubernetes.io/audit': 'restricted',
              },
            },
          }),
        },
        {
          id: 'isolation',
          template: CiliumNetworkPolicy.manifest({
            metadata: { name: 'workspace-isolation', namespace: IN_NAMESPACE },
            spec: {
              description: 'Default deny; allow same namespace, cluster DNS names, the CloudNativePG operator and the shared Kafka (the Gateway reaches web applications through their own policy)',
              // An empty selector selects every pod; with rules present, everything else is denied both ways.
              endpointSelector: {},
              ingress: [
                { fromEndpoints: [{}] },
                {
                  fromEndpoints: [{ matchLabels: { [POD_NAMESPACE]: wiring.cnpgOperator.namespace, ...wiring.cnpgOperator.podLabels } }],
                  toPorts: [{ ports: CNPG_OPERATOR_PORTS.map((p) => ({ port: String(p), protocol: IngressProtocol.TCP })) }],
                },
              ],
              egress: [
                { toEndpoints: [{}] },
                {
                  toEndpoints: [{ matchLabels: { ...KUBE_DNS_SELECTOR } }],
                  toPorts: [{
                    ports: [{ port: '53', protocol: Protocol.UDP }, { port: '53', protocol: Protocol.TCP }],
                    rules: { dns: WORKSPACE_DNS_PATTERNS.map((matchPattern) => ({ matchPattern })) },
                  }],
                },
                {
                  toEndpoints: [{ matchLabels: { [POD_NAMESPACE]: wiring.kafka.namespace, ...wiring.kafka.brokerPodLabels } }],
                  toPorts: [{ ports: wiring.kafka.clientPorts.map((p) => ({ port: String(p), protocol: Protocol.TCP })) }],
                },
              ],
            },
          }),
        },
        egressPolicyResource({
          name: 'workspace-egress',
          namespace: IN_NAMESPACE,
          endpointSelector: {},
          listExpr: 'schema.spec.egress',
          description: 'External host names every pod of the workspace may reach (workspace egress), and their DNS lookups',
        }),
        {
          // CloudNativePG's instance manager watches its Cluster through the API server; nothing else may.
          id: 'postgresApiAccess',
          template: CiliumNetworkPolicy.manifest({
            metadata: { name: 'postgres-api-server', namespace: IN_NAMESPACE },
            spec: {
              description: `PostgreSQL instance managers reach the Kubernetes API server on its port ${wiring.apiServerPort}`,
              endpointSelector: { matchExpressions: [{ key: 'cnpg.io/cluster', operator: CiliumNetworkPolicySpecEndpointSelectorMatchExpressionsOperator.EXISTS }] },
              egress: [{
                toEntities: [CiliumNetworkPolicySpecEgressToEntities.KUBE_HYPHEN_APISERVER],
                toPorts: [{ ports: [{ port: String(wiring.apiServerPort), protocol: Protocol.TCP }] }],
              }],
            },
          }),
        },
        // The delivery path (issue 16): Flux applies the team's stage as this account, which may manage the
        // tenant kinds in this namespace only. Created here, not in a Flux stage: its RoleBinding lives in the
        // namespace this instance creates (a stage cannot dry-run objects in a namespace that does not exist
        // yet), and it lives and dies with the workspace.
        {
          id: 'deliveryAccount',
          template: k8s.KubeServiceAccount.manifest({
            metadata: {
              name: cel(deliveryServiceAccount.cel(NAME)),
              namespace: fluxNamespace,
              labels: { [LABELS.workspace]: cel(NAME), [LABELS.managedBy]: 'kro' },
            },
            automountServiceAccountToken: false,
          }),
        },
        {
          id: 'deliveryBinding',
          template: tenantBinding('delivery', TENANT_ROLES.delivery.name, {
            kind: 'ServiceAccount', name: cel('deliveryAccount.metadata.name'), namespace: fluxNamespace,
          }),
        },
        { id: 'developerBinding', template: tenantBinding('developers', TENANT_ROLES.developer.name, { kind: 'Group', apiGroup: RBAC_GROUP, name: cel(developerGroup.cel(TEAM)) }) },
        { id: 'viewerBinding', template: tenantBinding('viewers', TENANT_ROLES.view.name, { kind: 'Group', apiGroup: RBAC_GROUP, name: cel(viewerGroup.cel(TEAM)) }) },
        {
          // Developers read their own stage's Kustomization (and no other) in Flux's namespace.
          id: 'stageStatusRole',
          template: k8s.KubeRole.manifest({
            metadata: {
              name: cel(`${deliveryKustomization.cel(NAME)} + "-status"`),
              namespace: fluxNamespace,
              labels: { [LABELS.workspace]: cel(NAME), [LABELS.managedBy]: 'kro' },
            },
            rules: [(({ apiGroups, resources, verbs, resourceNames }) => ({ apiGroups: [...apiGroups], resources: [...resources], verbs: [...verbs], resourceNames: [...(resourceNames ?? [])] }))(
              kustomizationStatusRule(cel(deliveryKustomization.cel(NAME))))],
          }),
        },
        {
          id: 'stageStatusBinding',
          template: k8s.KubeRoleBinding.manifest({
            metadata: {
              name: cel('stageStatusRole.metadata.name'),
              namespace: fluxNamespace,
              labels: { [LABELS.workspace]: cel(NAME), [LABELS.managedBy]: 'kro' },
            },
            roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: cel('stageStatusRole.metadata.name') },
            subjects: [{ kind: 'Group', apiGroup: RBAC_GROUP, name: cel(developerGroup.cel(TEAM)) }],
          }),
        },
        {
          id: 'quota',
          template: k8s.KubeResourceQuota.manifest({
            metadata: { name: 'workspace-quota', namespace: IN_NAMESPACE },
            spec: {
              hard: {
                'limits.cpu': q('schema.spec.quota.cpu'),
                'limits.memory': q('schema.spec.quota.memory'),
                'requests.storage': q('schema.spec.quota.storage'),
                pods: q('string(schema.spec.quota.pods)'),
                // Object-count quota on the Topic kind (Kubernetes "Resource Quotas", object count quota:
                // `count/<resource>.<group>` works for custom resources): the API server refuses the Topic beyond it.
                // Until kube-controller-manager has counted Topics in this quota, it refuses every Topic ("status
                // unknown for quota"), so the quota's readiness (CHILD_READINESS: every spec.hard key in status.used)
                // holds the Workspace, and Flux's delivery-workspaces with it, until Topics can be admitted.
                [`count/topics.${PLATFORM_GROUP}`]: q('string(schema.spec.quota.topics)'),
              },
            },
          }),
        },
        {
          id: 'limits',
          template: k8s.KubeLimitRange.manifest({
            metadata: { name: 'workspace-limits', namespace: IN_NAMESPACE },
            spec: {
              limits: [{
                type: 'Container',
                default: { cpu: q('schema.spec.quota.defaultContainerCpu'), memory: q('schema.spec.quota.defaultContainerMemory') },
                defaultRequest: { cpu: q('schema.spec.quota.defaultContainerCpu'), memory: q('schema.spec.quota.defaultContainerMemory') },
              }],
            },
          }),
        },
        {
          // The workspace's principal on the shared Kafka (`User:<workspace>`, SCRAM-SHA-512). Created in the Kafka
          // namespace, where the User Operator watches; deleting the Workspace deletes it, and the User Operator
          // then deletes the user, its ACLs and quotas from Kafka and its Secret.
          id: 'kafkaUser',
          notAwaited: KAFKA_USER_NOT_AWAITED,
          template: KafkaUser.manifest({
            metadata: {
              name: cel(NAME),
              namespace: wiring.kafka.namespace,
              labels: { 'strimzi.io/cluster': wiring.kafka.clusterName, [LABELS.workspace]: cel(NAME), [LABELS.managedBy]: 'kro' },
            },
            spec: {
              authentication: { type: KafkaUserSpecAuthenticationType.SCRAM_HYPHEN_SHA_HYPHEN_512 },
              authorization: {
                type: KafkaUserSpecAuthorizationType.SIMPLE,
                acls: (['topic', 'group'] as const).map((type): KafkaUserSpecAuthorizationAcls => ({
                  type: KafkaUserSpecAuthorizationAclsType.ALLOW,
                  resource: {
                    type: type === 'topic' ? KafkaUserSpecAuthorizationAclsResourceType.TOPIC : KafkaUserSpecAuthorizationAclsResourceType.GROUP,
                    name: cel(celKafkaWorkspacePrefix(NAME)),
                    patternType: KafkaUserSpecAuthorizationAclsResourcePatternType.PREFIX,
                  },
                  operations: [...WORKSPACE_KAFKA_ACLS[type]],
                })),
              },
              quotas: {
                producerByteRate: cel<number>('schema.spec.quota.kafkaProducerBytesPerSecond'),
                consumerByteRate: cel<number>('schema.spec.quota.kafkaConsumerBytesPerSecond'),
              },
              // The label the `kafka-credentials` policy reads to copy the Secret into the workspace.
              template: { secret: { metadata: { labels: { [LABELS.workspace]: cel(NAME) } } } },
            },
          }),
        },
      ],
    });
  }
}
