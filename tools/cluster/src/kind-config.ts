/**
 * The Kind cluster configuration, generated in code.
 *
 * - Node image pinned by digest (`KUBERNETES.kindNodeImage`).
 * - No default CNI and no kube-proxy: Cilium is the CNI and replaces kube-proxy.
 * - One control-plane node publishing the shared Gateway's listener ports on 127.0.0.1. Cilium's Gateway
 *   runs Envoy in host-network mode, so a listener port on the node is the same port on the laptop:
 *   `http://<app>.localtest.me:8080` resolves to 127.0.0.1 through public DNS and reaches Envoy.
 * - Node labels that Cilium's `gatewayAPI.hostNetwork.nodes.matchLabels` selects (if the values set any), so
 *   Envoy listens on the node that has the port mappings.
 */
import { DNS_LABEL, toYaml, KUBERNETES } from 'mini-atlas';
import { HelmValues } from './cilium-release';
import { getPath } from './kube-object';
import { PublishedPort } from './gateway-listeners';

/** A Kind `extraPortMappings` entry. */
export interface KindPortMapping {
  readonly containerPort: number;
  readonly hostPort: number;
  readonly listenAddress: string;
  readonly protocol: 'TCP' | 'UDP';
}

/** A Kind node. */
export interface KindNode {
  readonly role: 'control-plane' | 'worker';
  readonly image: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly extraPortMappings?: readonly KindPortMapping[];
}

/** The `kind.x-k8s.io/v1alpha4` Cluster configuration. */
export interface KindClusterConfig {
  readonly kind: 'Cluster';
  readonly apiVersion: 'kind.x-k8s.io/v1alpha4';
  readonly name: string;
  readonly networking: {
    readonly disableDefaultCNI: true;
    readonly kubeProxyMode: 'none';
  };
  readonly nodes: readonly KindNode[];
}

/** Inputs of {@link kindClusterConfig}. */
export interface KindConfigOptions {
  /** Cluster name (the node container is `<name>-control-plane`). */
  readonly name: string;
  /** Ports to publish (the Gateway's listener ports). */
  readonly ports: readonly PublishedPort[];
  /** Host address the ports are published on. @default '127.0.0.1' */
  readonly listenAddress?: string;
  /** Cilium values, to label the node for `gatewayAPI.hostNetwork.nodes.matchLabels`. @default {} */
  readonly ciliumValues?: HelmValues;
  /** Node image. @default KUBERNETES.kindNodeImage */
  readonly image?: string;
}

/** Kind cluster names: what kind accepts (a DNS-label-like name; it becomes part of container names). */
export const CLUSTER_NAME_PATTERN = DNS_LABEL;

/** Labels Cilium's host-network Gateway selects nodes by, if the values set any. */
export function gatewayNodeLabels(values: HelmValues): Record<string, string> {
  const labels = getPath(values, ['gatewayAPI', 'hostNetwork', 'nodes', 'matchLabels']);
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return {};
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)]));
}

/** Builds the Kind configuration. */
export function kindClusterConfig(options: KindConfigOptions): KindClusterConfig {
  const listenAddress = options.listenAddress ?? '127.0.0.1';
  const labels = gatewayNodeLabels(options.ciliumValues ?? {});
  const mappings = options.ports.map((p) => ({ containerPort: p.port, hostPort: p.port, listenAddress, protocol: p.protocol }));
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: options.name,
    networking: { disableDefaultCNI: true, kubeProxyMode: 'none' },
    nodes: [
      {
        role: 'control-plane',
        image: options.image ?? KUBERNETES.kindNodeImage,
        ...(Object.keys(labels).length > 0 ? { labels } : {}),
        ...(mappings.length > 0 ? { extraPortMappings: mappings } : {}),
      },
    ],
  };
}

/** The configuration as the YAML file passed to `kind create cluster --config`. */
export function kindConfigYaml(config: KindClusterConfig): string {
  return toYaml(config);
}
