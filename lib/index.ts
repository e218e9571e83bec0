/**
 * Mini-Atlas: typed cdk8s constructs for a small Internal Developer Platform on Kubernetes.
 *
 * The folders are the layers, lowest first; a layer imports only the layers before it (`npm run lint` checks):
 * shared → gitops → core → foundation → delivery → synth, and `buildPlatform` composes them all.
 *
 * Every name is exported explicitly: what is not listed here (registries of the tenant constructs, the Flux
 * graph's internal checks, the pins of the host tools) is internal and may change without notice.
 */

// Shared: versions, the API group and labels, the schema language, names, the one error type, JSON values and
// dependency graphs.
export {
  type PinnedChart, KUBERNETES, FLUX, CILIUM, GATEWAY_API, KRO, KYVERNO, METRICS_SERVER, CLOUDNATIVE_PG, STRIMZI, VALKEY,
} from './shared/versions';
export { type CrdSource, KUBERNETES_DEFINITIONS_URL, CRD_SOURCES } from './shared/schema-sources';
export {
  apiGroupOf, PLATFORM_GROUP, PLATFORM_VERSION, PLATFORM_API_VERSION, LABELS, ANNOTATIONS, RESERVED_NAMESPACES, RESERVED_NAMESPACE_PREFIXES, isReservedNamespace,
} from './shared/api';
export { cel, type CelExpression } from './shared/cel';
export {
  type DataBearingKind, DATA_BEARING_KINDS, dataBearingKindOf, type ObjectIdentity,
  type DataProtectionProblem, dataProtectionProblems,
} from './shared/data-bearing';
export { DEFAULT_PLATFORM_NAME, setPlatformName, platformNameOf, partOfLabel, platformNameProblem } from './shared/platform-name';
export { BUILT_IN_PROFILES, type EnvironmentProfile, LOCAL, PRODUCTION, profileProblems } from './shared/environment';
export {
  dnsLabelProblem, dnsSubdomainProblem, hostnameProblem, imagePinProblem, imageProblem, DNS_LABEL, DNS_LABEL_MAX,
  DNS_SUBDOMAIN, DNS_SUBDOMAIN_MAX, PINNED_IMAGE_PATTERN,
  ownedHostnamePattern, hostnameOwnershipProblem,
} from './shared/names';
export {
  formatIssue, issue, issueAt, addIssueCheck, type IssueCheckOptions, collectIssues, assertValid, type ValidationIssue, MiniAtlasValidationError,
} from './shared/validation-error';
export {
  fields, toSimpleSchema, simpleSchemaTypes, applyDefaults, checkFields, defaultProblems,
  type StringField, type IntegerField, type BooleanField, type ObjectField, type ListField, type MapField, type ElementField,
  type ScalarElement, type ObjectElement, type ElementValueOf, type Field, type Fields, type ValueOf,
  type SpecOf, type ResolvedSpecOf, type ResolvedValueOf, type SimpleSchema, type FieldBase, type ElementName,
  type RequiredKeys, type OptionalKeys,
} from './shared/fields';
export { parseQuantity, formatCpu, formatBytes } from './shared/quantity';
export {
  OPTIONAL_NAME_PATTERN, NAME_PATTERN, HOSTNAME_PATTERN, BYTES_PATTERN, CPU_PATTERN, PG_IDENTIFIER_PATTERN, PG_OBJECT_NAME_PATTERN,
  PATH_PATTERN,
} from './shared/patterns';
export { isJsonObject, type JsonValue, type JsonObject } from './shared/json';
export { findCycles, reachable, type DependencyGraph } from './shared/graph';

// GitOps: Flux stages, the Flux sync objects, health checks and the namespace rules of the Flux graph.
export {
  groupKindOf, isBuiltinApiVersion, readinessDeclarationOf, registerHealthCheck, registeredHealthCheck,
  conditionExists, type HealthCheckExpression,
  type ReadinessDeclaration, READINESS_DECLARATIONS,
} from './gitops/health-checks';
export { type FluxStageProps, FluxStage, PLATFORM_SERVICE_ACCOUNT, type TenantKind, type TenantStageScope } from './gitops/flux-stage';
export {
  type FluxSyncProps, SOURCE_NAME, FLUX_NAMESPACE, GATEWAY_API_KUSTOMIZATION, GATEWAY_API_SOURCE, GATEWAY_API_REPOSITORY,
  FLUX_BOOTSTRAP_NAME, FLUX_SYSTEM_FOLDER, FluxSync, DEFAULT_REPOSITORY_URL, DEFAULT_BRANCH,
} from './gitops/flux-sync';
export {
  meetsPodSecurity, podSecurityLevel, namespacesInValues, type PodSecurityLevel, POD_SECURITY_LEVELS,
  POD_SECURITY_ENFORCE_LABEL, KUBERNETES_NAMESPACES, type OperandPods, type NamespaceUse, type DeclaresNamespaceUse,
  type ValueNamespace,
} from './gitops/namespaces';
export { type FluxSystemChartProps, FluxSystemChart } from './gitops/flux-system-chart';

// Core layer: operators (Helm releases) and shared services (Kafka, Gateway), composed by CoreChart.
export { type HelmValues, type HelmValue, type ChartSourceProps, type HelmComponentProps, HelmComponent } from './core/helm-component';
export { type RetainedStorageClassProps, RetainedStorageClass } from './core/retained-storage-class';
export { GATEWAY_HEALTH_CHECK, type SharedGatewayProps, type GatewayListenerMode, GATEWAY_LISTENER_MODES, SharedGateway } from './core/shared-gateway';
export { KAFKA_HEALTH_CHECK, type SharedKafkaProps, SharedKafka } from './core/shared-kafka';
export { type CiliumProps, Cilium } from './core/operators/cilium';
export { type CloudNativePgProps, CloudNativePg } from './core/operators/cloudnative-pg';
export { type ManagedResources, type KroProps, KRO_AGGREGATION_LABEL, Kro } from './core/operators/kro';
export { type KyvernoProps, type ReadResources, Kyverno } from './core/operators/kyverno';
export { type StrimziProps, STRIMZI_POD_SECURITY_PROVIDER_ENV, Strimzi } from './core/operators/strimzi';
export { type MetricsServerProps, MetricsServer } from './core/operators/metrics-server';
export { type PlatformWiring } from './core/platform-wiring';
export {
  type PlatformIdentities,
} from './core/platform-identities';
export { type CoreChartProps, type ChartRepositories, CoreChart } from './core/core-chart';

// Foundation layer: the five abstractions (schema + RGD each), readiness, policies; FoundationChart.
export { WORKSPACE_FIELDS, workspaceFields, type WorkspaceSpec, KAFKA_QUOTA_DEFAULTS, MAX_KAFKA_BYTE_RATE } from './foundation/workspace/schema';
export { MAX_REPLICAS, WEB_APPLICATION_FIELDS, type WebApplicationSpec } from './foundation/web-application/schema';
export {
  MAX_POSTGRES_INSTANCES, MAX_ADDITIONAL_DATABASES, MAX_DATABASE_EXTENSIONS, POSTGRES_EXTENSIONS, INFRASTRUCTURE_FIELDS,
  infrastructureFields, type InfrastructureSpec,
} from './foundation/infrastructure/schema';
export {
  MAX_PARTITIONS, MIN_RETENTION_HOURS, MAX_RETENTION_HOURS, MIN_RETENTION_MIB, MAX_RETENTION_MIB, TOPIC_FIELDS, topicFields, type TopicSpec,
} from './foundation/topic/schema';
export {
  type DerivedName, databaseSecret, databaseService, DATABASE_SERVICE_SUFFIXES, cacheService, cacheSecret,
  kafkaTopicName, MAX_DATABASE_NAME, MAX_KAFKA_TOPIC_NAME,
} from './foundation/conventions';
export {
  readinessOf, type ReadinessSignal, type NoReadinessSignal, type ChildReadiness, CHILD_READINESS, NOT_AWAITED_ANNOTATION, notAwaitedProblem,
} from './foundation/readiness';
export { DATA_CHILDREN, dataChildOf, type DataChild } from './foundation/data-children';
export {
  kroInstanceHealthCheck, RESOURCE_GRAPH_DEFINITION_HEALTH_CHECK, type GraphResource, type ResourceGraphProps,
  type PrinterColumn, type ExternalResource, guessResource, mergeManagedResources, ResourceGraph,
} from './foundation/resource-graph';
export { WorkspaceDefinition } from './foundation/workspace/definition';
export { WebApplicationDefinition } from './foundation/web-application/definition';
export { CONTAINER_FIELDS, ENV_LISTS, envProblems, type EnvProblem } from './foundation/container';
export { WORKLOAD_FIELDS, WORKLOAD_TYPES, type WorkloadType, type WorkloadSpec } from './foundation/workload/schema';
export { WorkloadDefinition } from './foundation/workload/definition';
export {
  InfrastructureDefinition,
} from './foundation/infrastructure/definition';
export {
  topicReplicasProblem, topicQuotaProblem, listenerHostnameProblem, imageRegistryProblem, RESERVED_POSTGRES_NAMES,
  postgresNameProblem, infrastructureServicesProblem, additionalDatabaseProblem, type PodDemand, type ContainerSizes, webApplicationPods,
  workloadPods, infrastructurePods, type QuotaLimits,
  quotaProblems,
} from './foundation/cross-checks';
export { TopicDefinition } from './foundation/topic/definition';
export {
  VALIDATING_POLICY_HEALTH_CHECK, type PolicyMatch, type PolicyRule, type PlatformPolicyProps,
  PlatformPolicy,
} from './foundation/policies/platform-policy';
export { type WorkspaceNamingPolicyProps, WorkspaceNamingPolicy } from './foundation/policies/workspace-naming-policy';
export { type WorkspaceScopePolicyProps, WorkspaceScopePolicy } from './foundation/policies/workspace-scope-policy';
export {
  DEFAULT_ALLOWED_REGISTRIES, IMAGE_REGISTRY_POLICY_NAME, allowedRegistriesOf, type ImageRegistryPolicyProps, ImageRegistryPolicy,
} from './foundation/policies/image-registry-policy';
export { HostIsolationPolicy } from './foundation/policies/host-isolation-policy';
export { type HostnameOwnershipPolicyProps, HostnameOwnershipPolicy } from './foundation/policies/hostname-ownership-policy';
export { type OperatorLabelsPolicyProps, OperatorLabelsPolicy } from './foundation/policies/operator-labels-policy';
export { ReservedWorkspacesPolicy } from './foundation/policies/reserved-workspaces-policy';
export {
  type WorkspaceGuardrailsPolicyProps, type ServiceEndpointsPolicyProps, WorkspaceGuardrailsPolicy, RoleBindingSubjectsPolicy,
  ServiceExposurePolicy, ServiceEndpointsPolicy,
} from './foundation/policies/tenant-isolation-policies';
export { RequiredLabelsPolicy } from './foundation/policies/required-labels-policy';
export {
  StatefulDeletionPolicy, type StatefulDeletionPolicyProps, type OwnerKind,
} from './foundation/policies/stateful-deletion-policy';
export {
  CLUSTER_POLICY_HEALTH_CHECK, CachePasswordPolicy,
} from './foundation/policies/cache-password-policy';
export { type KafkaCredentialsPolicyProps, KafkaCredentialsPolicy } from './foundation/policies/kafka-credentials-policy';
export { type FoundationChartProps, type AbstractionFactory, FoundationChart } from './foundation/foundation-chart';

// Delivery layer: the tenant constructs teams write, and DeliveryChart.
export { type InstanceOptions, Instance } from './delivery/instance';
export { type EgressHost, type WorkspaceQuota, type WorkspaceProps, MAX_WORKSPACE_NAME, Workspace } from './delivery/workspace';
export {
  type ResourceSizes, type EnvVar, type SecretEnvVar, type ConfigMapEnvVar, type ContainerProps, type ContainerInstanceOptions, ContainerInstance,
} from './delivery/container';
export { type AutoscalingOptions, type WebApplicationProps, WebApplication } from './delivery/web-application';
export { type WorkloadProps, Workload } from './delivery/workload';
export {
  type PostgresOptions, type PostgresExtension, type AdditionalDatabase, type CacheOptions, type InfrastructureProps, Infrastructure,
} from './delivery/infrastructure';
export { type TopicProps, Topic } from './delivery/topic';
export { type DeliveryChartProps, DeliveryChart } from './delivery/delivery-chart';

// Synth: rendering an app into dist/, the one YAML writer, and the one model of dist/ every tool reads it with.
export {
  renderApp, writeDist, isConfigurationError, type RenderedObject,
  type RenderedFile, type WriteDistOptions, type WriteDistResult,
} from './synth/dist-writer';
export {
  RemovalGuardError, type GuardedChange,
} from './synth/change-guard';
export {
  toYaml, toYamlDocuments, parseYamlDocuments, type YamlReading,
} from './synth/kubernetes-yaml';
export {
  listDist, parseDistFile, distFolderOf, readDist, kustomizeResources, fluxKustomizationOf, fluxOrder,
  formatFluxOrderProblems, formatDistProblem, type DistFileKind, type DistFile, type DistFolder, type DistTree,
  type DistDocument, type DistProblem, type KustomizeFile, type ParsedDistFile, type FluxKustomization,
  type DistKustomization, type DistModel, type ReadDistOptions, type KustomizeResources, type FluxOrderProblem,
  type FluxOrder,
} from './synth/dist-model';

// The whole platform in one call.
export { buildPlatform, type PlatformOptions, type PlatformGitSource, type PlatformFluxOptions, type Platform } from './build-platform';
export {
  deliveryServiceAccount,
  TENANT_RESOURCES, type TenantResource, type WorkspaceDerived,
} from './foundation/tenant-access';
