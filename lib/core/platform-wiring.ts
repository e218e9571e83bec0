/** What the Foundation layer needs to know about the Core layer's shared services. */
import { PlatformIdentities } from './platform-identities';
import { SharedGateway } from './shared-gateway';
import { SharedKafka } from './shared-kafka';

/** Shared services the abstractions connect to. */
export interface PlatformWiring {
  /** The shared Kafka: topics go into its namespace, workspaces may reach its brokers. */
  readonly kafka: SharedKafka;
  /** The shared Gateway: applications attach HTTPRoutes to it. */
  readonly gateway: SharedGateway;
  /** StorageClass for databases (reclaim policy Retain). */
  readonly databaseStorageClass: string;
  /** Namespace and pod labels of the CloudNativePG operator (it calls the instances' status port). */
  readonly cnpgOperator: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  /** The user names of the platform's controllers, which admission policies exempt where they legitimately act. */
  readonly identities: PlatformIdentities;
  /**
   * Port on which database pods may reach the Kubernetes API server (TCP). Cilium's policy sees the API server's
   * own port, after kube-proxy replacement has translated `kubernetes.default:443` to it.
   */
  readonly apiServerPort: number;
}
