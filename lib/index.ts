/**
 * Mini-Atlas: typed cdk8s constructs for a small Internal Developer Platform on Kubernetes.
 *
 * The folders are the layers, lowest first; a layer imports only the layers before it (`npm run lint` checks):
 * shared → gitops → core → foundation → delivery → synth, and `buildPlatform` composes them all.
 */

// Shared: versions, the API group and labels, the schema language, names, the one error type, JSON values and
// dependency graphs.
export * from './shared/versions';
export * from './shared/schema-sources';
export * from './shared/api';
export * from './shared/cel';
export * from './shared/environment';
export * from './shared/names';
export * from './shared/validation-error';
export * from './shared/fields';
export * from './shared/patterns';
export * from './shared/schema-docs';
export * from './shared/json';
export * from './shared/graph';

// GitOps: Flux stages, the Flux sync objects, health checks and the namespace rules of the Flux graph.
export * from './gitops/health-checks';
export * from './gitops/flux-stage';
export * from './gitops/flux-sync';
export * from './gitops/namespaces';
export * from './gitops/flux-system-chart';

// Core layer: operators (Helm releases) and shared services (Kafka, Gateway), composed by CoreChart.
export * from './core/helm-component';
export * from './core/retained-storage-class';
export * from './core/shared-gateway';
export * from './core/shared-kafka';
export * from './core/operators/cilium';
export * from './core/operators/cloudnative-pg';
export * from './core/operators/kro';
export * from './core/operators/kyverno';
export * from './core/operators/strimzi';
export * from './core/platform-wiring';
export * from './core/core-chart';

// Foundation layer: the four abstractions (schema + RGD each), readiness, policies; FoundationChart.
export * from './foundation/workspace/schema';
export * from './foundation/web-application/schema';
export * from './foundation/infrastructure/schema';
export * from './foundation/topic/schema';
export * from './foundation/conventions';
export * from './foundation/readiness';
export * from './foundation/resource-graph';
export * from './foundation/restricted-security';
export * from './foundation/workspace/definition';
export * from './foundation/web-application/definition';
export * from './foundation/infrastructure/definition';
export * from './foundation/topic/definition';
export * from './foundation/policies/platform-policy';
export * from './foundation/policies/workspace-naming-policy';
export * from './foundation/policies/workspace-scope-policy';
export * from './foundation/policies/image-registry-policy';
export * from './foundation/policies/host-isolation-policy';
export * from './foundation/policies/required-labels-policy';
export * from './foundation/policies/stateful-deletion-policy';
export * from './foundation/policies/cache-password-policy';
export * from './foundation/foundation-chart';

// Delivery layer: the tenant constructs teams write, and DeliveryChart.
export * from './delivery/instance';
export * from './delivery/workspace';
export * from './delivery/web-application';
export * from './delivery/infrastructure';
export * from './delivery/topic';
export * from './delivery/delivery-chart';

// Synth: rendering an app into dist/, the one YAML writer, and the one model of dist/ every tool reads it with.
export * from './synth/dist-writer';
export * from './synth/kubernetes-yaml';
export * from './synth/dist-model';

// The whole platform in one call.
export * from './build-platform';
