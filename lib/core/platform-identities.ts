/**
 * The user names the platform's own controllers act under, defined once. Admission policies that deny
 * tenants something a controller legitimately does (KRO creating a workspace's network policies, CloudNativePG
 * labelling its pods) exempt exactly these names and nobody else.
 *
 * A ServiceAccount authenticates as `system:serviceaccount:<namespace>:<name>` (Kubernetes, "Service account
 * tokens": `serviceaccount.MakeUsername`).
 */

/** `system:serviceaccount:<namespace>:<name>`. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * kube-controller-manager's controllers that create or delete objects in a workspace on someone else's behalf.
 * kubeadm (and so Kind) runs kube-controller-manager with `--use-service-account-credentials`, so each controller
 * acts as its own ServiceAccount in `kube-system` (kube-controller-manager `controller_descriptor`/`NewControllerDescriptors`;
 * the names are the `ClientBuilder` names of each controller). What they create (ReplicaSets, Pods, Jobs) copies
 * a template that admission already checked where it was written (Deployment, ReplicaSet, StatefulSet, DaemonSet,
 * Job, CronJob); their deletions follow a namespace's or an owner's deletion; the endpoint controllers write a
 * Service's Endpoints and EndpointSlices from its selector.
 */
export const KUBE_CONTROLLER_SERVICE_ACCOUNTS = [
  'deployment-controller', 'replicaset-controller', 'statefulset-controller', 'daemon-set-controller', 'job-controller',
  'cronjob-controller', 'namespace-controller', 'generic-garbage-collector',
  'endpoint-controller', 'endpointslice-controller', 'endpointslicemirroring-controller',
] as const;

/** The identities of the platform's controllers. */
export interface PlatformIdentities {
  /** KRO's controller: creates every child of the five abstractions (RGDs). */
  readonly kro: string;
  /** CloudNativePG's operator: creates the database pods, jobs, services and secrets, labelled `cnpg.io/*`. */
  readonly cloudNativePg: string;
  /** Strimzi's cluster operator: labels what it creates `strimzi.io/*` (only in the Kafka namespace). */
  readonly strimzi: string;
  /** Kyverno's background controller: generates the cache password Secrets and copies the workspaces' Kafka Secrets. */
  readonly kyvernoBackground: string;
  /**
   * Cilium's agent: creates each pod's CiliumEndpoint in the pod's namespace with the pod's labels
   * (pkg/endpointmanager/endpointsynchronizer.go: `Labels: cepOwner.GetLabels()`), `cnpg.io/*` included for a
   * database pod; other nodes' agents learn the pod's identity from it.
   */
  readonly ciliumAgent: string;
  /** kube-controller-manager's controllers (`KUBE_CONTROLLER_SERVICE_ACCOUNTS`). */
  readonly kubeControllers: readonly string[];
}

const kubeController = (ids: PlatformIdentities, ...names: string[]): string[] =>
  ids.kubeControllers.filter((c) => names.some((n) => c.endsWith(`:${n}`)));

/** The identities that may write a workspace's Endpoints and EndpointSlices: the endpoint controllers. */
export function endpointControllers(ids: PlatformIdentities): readonly string[] {
  return kubeController(ids, 'endpoint-controller', 'endpointslice-controller', 'endpointslicemirroring-controller');
}

/**
 * The identities that may set operator-owned labels (`cnpg.io/`, `strimzi.io/`, `kro.run/`) in a workspace: the
 * operators, the workload controllers (their objects copy a template admission checked), the endpoint
 * controllers, which copy a Service's labels onto its Endpoints and EndpointSlices — every Service KRO or
 * CloudNativePG creates carries their labels (Kubernetes `endpointslice` `setEndpointSliceLabels`: "slice labels
 * must be equivalent to the Service labels" except the reserved ones; the Endpoints controller copies them too),
 * so without them a workspace Service made by an operator would get no endpoints (the e2e suite's cache Service did not)
 * — Kyverno's background controller: the `kafka-credentials` policy copies Strimzi's Secrets (labelled
 * `strimzi.io/*` by Strimzi in the Kafka namespace) into the workspace, labels included (a clone copies its source's metadata)
 * — and Cilium's agent, which copies each pod's labels onto its CiliumEndpoint (found on the e2e node: without it a
 * database pod's CiliumEndpoint, labelled `cnpg.io/*`, would be refused).
 */
export function labellingControllers(ids: PlatformIdentities): readonly string[] {
  return [ids.kro, ids.cloudNativePg, ids.strimzi, ids.kyvernoBackground, ids.ciliumAgent, ...kubeController(ids, 'deployment-controller', 'replicaset-controller',
    'statefulset-controller', 'daemon-set-controller', 'job-controller', 'cronjob-controller', 'namespace-controller', 'generic-garbage-collector'),
  ...endpointControllers(ids)];
}

/** The identities that may create, change or delete a workspace's network policies, quota and limits. */
export function guardrailControllers(ids: PlatformIdentities): readonly string[] {
  return [ids.kro, ...kubeController(ids, 'namespace-controller', 'generic-garbage-collector')];
}
