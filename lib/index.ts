/**
 * Mini-Atlas: typed cdk8s constructs for a small Internal Developer Platform on Kubernetes.
 *
 * - Tenant API (what teams use): {@link Workspace}, {@link WebApplication}, {@link Infrastructure}, {@link Topic}.
 * - Foundation (what the platform team defines): the KRO ResourceGraphDefinitions and Kyverno policies.
 * - Platform (operators and shared services): Helm components, the shared Kafka and Gateway, Flux wiring.
 */
export * from './versions';
export * from './schema-sources';

export * from './core/api';
export * from './core/cel';
export * from './core/environment';
export * from './core/names';
export * from './core/validation-error';

export * from './schema/fields';
export * from './schema/patterns';
export * from './schema/docs';
export * from './schema/workspace-schema';
export * from './schema/web-application-schema';
export * from './schema/infrastructure-schema';
export * from './schema/topic-schema';

export * from './platform/health-checks';
export * from './platform/flux-stage';
export * from './platform/flux-sync';
export * from './platform/helm-component';
export * from './platform/namespaces';
export * from './platform/retained-storage-class';
export * from './platform/shared-gateway';
export * from './platform/shared-kafka';
export * from './platform/operators/cilium';
export * from './platform/operators/cloudnative-pg';
export * from './platform/operators/kro';
export * from './platform/operators/kyverno';
export * from './platform/operators/strimzi';

export * from './foundation/conventions';
export * from './foundation/platform-wiring';
export * from './foundation/readiness';
export * from './foundation/resource-graph';
export * from './foundation/restricted-security';
export * from './foundation/workspace-definition';
export * from './foundation/web-application-definition';
export * from './foundation/infrastructure-definition';
export * from './foundation/topic-definition';

export * from './policies/platform-policy';
export * from './policies/workspace-naming-policy';
export * from './policies/workspace-scope-policy';
export * from './policies/image-registry-policy';
export * from './policies/host-isolation-policy';
export * from './policies/required-labels-policy';
export * from './policies/stateful-deletion-policy';
export * from './policies/cache-password-policy';

export * from './tenant/instance';
export * from './tenant/workspace';
export * from './tenant/web-application';
export * from './tenant/infrastructure';
export * from './tenant/topic';

export * from './synth/dist-writer';
export * from './synth/kubernetes-yaml';
