/** What the Foundation layer needs to know about the Core layer's shared services. */
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
}
