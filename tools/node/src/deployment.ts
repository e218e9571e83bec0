/** The node's own one-replica Deployments (CoreDNS, local-path-provisioner, the CloudNativePG operator). */
import type { KubeObject } from '../../control-plane/src/kube-client';

/** A one-replica Deployment whose pods carry `labels` (its selector too). */
export function oneReplicaDeployment(
  namespace: string, name: string, labels: Readonly<Record<string, string>>, podSpec: Readonly<Record<string, unknown>>,
): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, labels: { ...labels } },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
  };
}
