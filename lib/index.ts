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
  type PinnedChart, KUBERNETES, FLUX, CILIUM, GATEWAY_API, KRO, KYVERNO, CLOUDNATIVE_PG, STRIMZI, VALKEY,
} from './shared/versions';
export { type CrdSource, KUBERNETES_DEFINITIONS_URL, CRD_SOURCES } from './shared/schema-sources';
export {
  apiGroupOf, PLATFORM_GROUP, PLATFORM_VERSION, PLATFORM_API_VERSION, LABELS, ANNOTATIONS, RESERVED_NAMESPACES, RESERVED_NAMESPACE_PREFIXES, isReservedNamespace,
} from './shared/api';
export { cel, type CelExpression } from './shared/cel';
export {
  type DataBearingKind, DATA_BEARING_KINDS, dataBearingKindOf, KEEP_DATA_ANNOTATIONS, dataAnnotations, type ObjectIdentity,
  namespacesHoldingData, mustKeep, withDataProtection, type DataProtectionProblem, dataProtectionProblems,
} from './shared/data-bearing';
export { BUILT_IN_PROFILES, type EnvironmentProfile, LOCAL, PRODUCTION, profileProblems, type ProfileProblem } from './shared/environment';
export {
  dnsLabelProblem, hostnameProblem, imagePinProblem, imageProblem, DNS_LABEL_SOURCE, DNS_LABEL, DNS_LABEL_MAX,
  DNS_SUBDOMAIN, DNS_SUBDOMAIN_MAX, IMAGE_TAG_SOURCE, IMAGE_DIGEST_SOURCE, PINNED_IMAGE_PATTERN,
  TAGGED_IMAGE_CEL_PATTERN, LATEST_TAG_CEL_PATTERN, ownedHostnamePattern, hostnameOwnershipProblem,
} from './shared/names';
export {
  formatIssue, issue, addIssueCheck, collectIssues, assertValid, type ValidationIssue, MiniAtlasValidationError,
} from './shared/validation-error';
export {
  fields, simpleSchemaMarker, markerDefault, toSimpleSchema, simpleSchemaTypes, elementType, applyDefaults, checkFields, defaultProblems,
  type StringField, type IntegerField, type BooleanField, type ObjectField, type ListField, type MapField, type ElementField,
  type ScalarElement, type ObjectElement, type ElementValueOf, type MarkerField, type Field, type Fields, type ValueOf,
  type SpecOf, type ResolvedSpecOf, type ResolvedValueOf, type SimpleSchema, type FieldProblem,
} from './shared/fields';
export { parseQuantity, formatCpu, formatBytes } from './shared/quantity';
export {
  OPTIONAL_NAME_PATTERN, NAME_PATTERN, HOSTNAME_PATTERN, BYTES_PATTERN, CPU_PATTERN, PG_IDENTIFIER_PATTERN,
  PATH_PATTERN,
} from './shared/patterns';
export { fieldsTable } from './shared/schema-docs';
export { isJsonObject, type JsonValue, type JsonObject } from './shared/json';
export { findCycles, reachable, dependencyLayers, type DependencyGraph } from './shared/graph';

// GitOps: Flux stages, the Flux sync objects, health checks and the namespace rules of the Flux graph.
export {
  groupKindOf, isBuiltinApiVersion, readinessDeclarationOf, registerHealthCheck, registeredHealthCheck,
  registeredHealthChecks, conditionExists, type HealthCheckExpression, KUBERNETES_API_GROUPS,
  type ReadinessDeclaration, READINESS_DECLARATIONS, STATUS_OBSERVED_CURRENT, CONDITION_OBSERVED_CURRENT,
} from './gitops/health-checks';
export { type FluxStageProps, FluxStage, PLATFORM_SERVICE_ACCOUNT, type TenantKind, type TenantStageScope } from './gitops/flux-stage';
export {
  type FluxSyncProps, SOURCE_NAME, FLUX_NAMESPACE, GATEWAY_API_KUSTOMIZATION, FluxSync,
} from './gitops/flux-sync';
export {
  meetsPodSecurity, podSecurityLevel, namespacesInValues, type PodSecurityLevel, POD_SECURITY_LEVELS,
  POD_SECURITY_ENFORCE_LABEL, KUBERNETES_NAMESPACES, type OperandPods, type NamespaceUse, type DeclaresNamespaceUse,
  type ValueNamespace,
} from './gitops/namespaces';
export { type FluxSystemChartProps, FluxSystemChart } from './gitops/flux-system-chart';

// Core layer: operators (Helm releases) and shared services (Kafka, Gateway), composed by CoreChart.
export { type HelmValues, type HelmValue, type HelmComponentProps, HelmComponent } from './core/helm-component';
export { type RetainedStorageClassProps, RetainedStorageClass } from './core/retained-storage-class';
export { GATEWAY_HEALTH_CHECK, type SharedGatewayProps, SharedGateway } from './core/shared-gateway';
export {
  KAFKA_HEALTH_CHECK, KAFKA_USER_SECRET_PREFIX, KAFKA_CLIENT_AUTHENTICATION, KAFKA_CLIENT_SECURITY, type SharedKafkaProps, SharedKafka,
} from './core/shared-kafka';
export { type CiliumProps, Cilium } from './core/operators/cilium';
export { type CloudNativePgProps, CloudNativePg } from './core/operators/cloudnative-pg';
export { type ManagedResources, type KroProps, KRO_AGGREGATION_LABEL, Kro } from './core/operators/kro';
export { type KyvernoProps, Kyverno } from './core/operators/kyverno';
export { type StrimziProps, STRIMZI_POD_SECURITY_PROVIDER_ENV, Strimzi } from './core/operators/strimzi';
export { type PlatformWiring } from './core/platform-wiring';
export {
  type PlatformIdentities, KUBE_CONTROLLER_SERVICE_ACCOUNTS, serviceAccountUser, labellingControllers, guardrailControllers, endpointControllers,
} from './core/platform-identities';
export { type CoreChartProps, CoreChart } from './core/core-chart';

// Foundation layer: the four abstractions (schema + RGD each), readiness, policies; FoundationChart.
export { WORKSPACE_FIELDS, workspaceFields, type WorkspaceSpec, KAFKA_QUOTA_DEFAULTS, MAX_KAFKA_BYTE_RATE } from './foundation/workspace/schema';
export { MAX_REPLICAS, WEB_APPLICATION_FIELDS, type WebApplicationSpec } from './foundation/web-application/schema';
export {
  MAX_POSTGRES_INSTANCES, INFRASTRUCTURE_FIELDS, infrastructureFields, type InfrastructureSpec,
} from './foundation/infrastructure/schema';
export {
  MAX_PARTITIONS, MIN_RETENTION_HOURS, MAX_RETENTION_HOURS, MIN_RETENTION_MIB, MAX_RETENTION_MIB, TOPIC_FIELDS, topicFields, type TopicSpec,
} from './foundation/topic/schema';
export {
  type DerivedName, databaseSecret, databaseService, DATABASE_SERVICE_SUFFIXES, cacheService, cacheSecret,
  kafkaTopicName, celKafkaTopicName, kafkaWorkspacePrefix, celKafkaWorkspacePrefix, KAFKA_WORKSPACE_SECRETS, MAX_DATABASE_NAME,
  MAX_KAFKA_TOPIC_NAME,
} from './foundation/conventions';
export {
  readinessOf, type ReadinessSignal, type NoReadinessSignal, type ChildReadiness, CHILD_READINESS,
} from './foundation/readiness';
export { DATA_CHILDREN, dataChildOf, type DataChild } from './foundation/data-children';
export {
  kroInstanceHealthCheck, RESOURCE_GRAPH_DEFINITION_HEALTH_CHECK, type GraphResource, type ResourceGraphProps,
  type PrinterColumn, type ExternalResource, READINESS_COLUMNS, AGE_COLUMN, ResourceGraph,
} from './foundation/resource-graph';
export { restrictedPod, RESTRICTED_CONTAINER } from './foundation/restricted-security';
export { CNPG_OPERATOR_PORTS, WORKSPACE_KAFKA_ACLS, WorkspaceDefinition } from './foundation/workspace/definition';
export { SERVICE_PORT, APP_UID, envExpression, WebApplicationDefinition } from './foundation/web-application/definition';
export {
  CACHE_PORT, CACHE_LABELS, DATABASE_REQUESTS, DATABASE_LIMITS, CACHE_CPU_REQUEST, CACHE_CPU_LIMIT, InfrastructureDefinition,
} from './foundation/infrastructure/definition';
export {
  type RuleProblem, topicReplicasProblem, topicQuotaProblem, listenerHostnameProblem, imageRegistryProblem, RESERVED_POSTGRES_NAMES,
  postgresNameProblem, type PodDemand, webApplicationPods, infrastructurePods, type QuotaLimits, type QuotaProblem,
  quotaProblems,
} from './foundation/cross-checks';
export { TopicDefinition } from './foundation/topic/definition';
export {
  VALIDATING_POLICY_HEALTH_CHECK, type PolicyMatch, type PolicyRule, type PlatformPolicyProps, POD_TEMPLATE_RESOURCES, POD_TEMPLATE_VARIABLES,
  PlatformPolicy,
} from './foundation/policies/platform-policy';
export { NAMED_RESOURCES, WorkspaceNamingPolicy } from './foundation/policies/workspace-naming-policy';
export { WorkspaceScopePolicy } from './foundation/policies/workspace-scope-policy';
export {
  DEFAULT_ALLOWED_REGISTRIES, IMAGE_REGISTRY_POLICY_NAME, allowedRegistriesOf, type ImageRegistryPolicyProps, ImageRegistryPolicy,
} from './foundation/policies/image-registry-policy';
export { HostIsolationPolicy } from './foundation/policies/host-isolation-policy';
export { type HostnameOwnershipPolicyProps, HostnameOwnershipPolicy } from './foundation/policies/hostname-ownership-policy';
export { type OperatorLabelsPolicyProps, OPERATOR_LABEL_PREFIXES, OperatorLabelsPolicy } from './foundation/policies/operator-labels-policy';
export { ReservedWorkspacesPolicy } from './foundation/policies/reserved-workspaces-policy';
export {
  type WorkspaceGuardrailsPolicyProps, type ServiceEndpointsPolicyProps, BROAD_SUBJECTS, WorkspaceGuardrailsPolicy, RoleBindingSubjectsPolicy,
  ServiceExposurePolicy, ServiceEndpointsPolicy,
} from './foundation/policies/tenant-isolation-policies';
export { WORKLOAD_RESOURCES, RequiredLabelsPolicy } from './foundation/policies/required-labels-policy';
export {
  StatefulDeletionPolicy, type StatefulDeletionPolicyProps, type OwnerKind, KRO_INSTANCE_LABELS, celVerifiedOwner, celReleased,
} from './foundation/policies/stateful-deletion-policy';
export {
  CLUSTER_POLICY_HEALTH_CHECK, GENERATED_PASSWORD_LENGTH, CachePasswordPolicy,
} from './foundation/policies/cache-password-policy';
export { type KafkaCredentialsPolicyProps, KafkaCredentialsPolicy } from './foundation/policies/kafka-credentials-policy';
export { type FoundationChartProps, FoundationChart } from './foundation/foundation-chart';

// Delivery layer: the tenant constructs teams write, and DeliveryChart.
export { type InstanceOptions, Instance } from './delivery/instance';
export { type WorkspaceQuota, type WorkspaceProps, MAX_WORKSPACE_NAME, Workspace } from './delivery/workspace';
export { type ResourceSizes, type WebApplicationProps, WebApplication } from './delivery/web-application';
export {
  type PostgresOptions, type CacheOptions, type InfrastructureProps, Infrastructure,
} from './delivery/infrastructure';
export { type TopicProps, Topic } from './delivery/topic';
export { type DeliveryChartProps, DeliveryChart } from './delivery/delivery-chart';

// Synth: rendering an app into dist/, the one YAML writer, and the one model of dist/ every tool reads it with.
export {
  objectKey, renderApp, writeDist, isConfigurationError, stagesOf, type RenderedObject,
  type RenderedFile, type WriteDistOptions, type WriteDistResult,
} from './synth/dist-writer';
export {
  guardChanges, changeRulesOf, RemovalGuardError, type GuardedChange, type KindChangeRules, type ChangeGuardResult,
} from './synth/change-guard';
export {
  toYaml, toYamlDocuments, parseYamlDocuments, GO_YAML_NUMBER, type YamlReading,
} from './synth/kubernetes-yaml';
export {
  listDist, parseDistFile, distFolderOf, readDist, kustomizeResources, fluxKustomizationOf, fluxOrder,
  formatFluxOrderProblems, formatDistProblem, type DistFileKind, type DistFile, type DistFolder, type DistTree,
  type DistDocument, type DistProblem, type KustomizeFile, type ParsedDistFile, type FluxKustomization,
  type DistKustomization, type DistModel, type ReadDistOptions, type KustomizeResources, type FluxOrderProblem,
  type FluxOrder,
} from './synth/dist-model';

// The whole platform in one call.
export { buildPlatform, type PlatformOptions, type Platform } from './build-platform';
export {
  DELIVERY_ACCOUNT_NAMESPACE, deliveryKustomization, deliveryServiceAccount, developerGroup, kustomizationStatusRule,
  TENANT_RESOURCES, TENANT_ROLES, type TenantResource, type TenantRule, TenantRoles, viewerGroup, type WorkspaceDerived,
} from './foundation/tenant-access';
