/**
 * CoreChart: the operators and the shared services.
 *
 * Two Flux stages, because the shared services are custom resources whose CRDs the operators install:
 * `core/operators` (Cilium, Kyverno, KRO, CloudNativePG, Strimzi, metrics-server) → `core/shared-services` (Kafka, Gateway).
 */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentProfile, LOCAL, profileProblems } from '../shared/environment';
import { addIssueCheck, issue, issueAt } from '../shared/validation-error';
import { KUBE_CONTROLLER_SERVICE_ACCOUNTS, PlatformIdentities, serviceAccountUser } from './platform-identities';
import { PlatformWiring } from './platform-wiring';
import { FluxStage } from '../gitops/flux-stage';
import { Cilium, CiliumProps } from './operators/cilium';
import { CloudNativePg } from './operators/cloudnative-pg';
import { Kro } from './operators/kro';
import { Kyverno } from './operators/kyverno';
import { MetricsServer, MetricsServerProps } from './operators/metrics-server';
import { Strimzi } from './operators/strimzi';
import { RetainedStorageClass, RetainedStorageClassProps } from './retained-storage-class';
import { SharedGateway, SharedGatewayProps } from './shared-gateway';
import { SharedKafka } from './shared-kafka';

/** Properties of {@link CoreChart}. */
export interface CoreChartProps extends ChartProps {
  /** Cilium settings. @default Kind defaults */
  readonly cilium?: CiliumProps;
  /** The shared Gateway. @default `*.localtest.me` on port 8080 */
  readonly gateway?: SharedGatewayProps;
  /** metrics-server settings. @default Kind defaults (kubelet certificates not verified) */
  readonly metricsServer?: MetricsServerProps;
  /** The environment profile: sizes of the shared Kafka, and the Foundation's defaults. @default LOCAL */
  readonly environment?: EnvironmentProfile;
  /**
   * The `retained` StorageClass of databases and brokers: its name, provisioner and parameters.
   * A `provisioner` given here comes with its own `parameters` (the profile's are not mixed in).
   * @default name `retained`; provisioner and parameters of the profile's `storage` (LOCAL: Kind's
   * `rancher.io/local-path`; PRODUCTION names none, so synth asks for one)
   */
  readonly storage?: Partial<RetainedStorageClassProps>;
  /**
   * Mirrors of the operators' chart repositories, by operator (see `ChartSourceProps.repository`).
   * @default the pinned upstream repositories (`lib/shared/versions.ts`)
   */
  readonly chartRepositories?: ChartRepositories;
}

/** A mirror URL per operator chart (`https://` Helm repository or `oci://` chart). */
export interface ChartRepositories {
  /** @default CILIUM.chart.repository */
  readonly cilium?: string;
  /** @default KYVERNO.chart.repository */
  readonly kyverno?: string;
  /** @default KRO.chart.repository */
  readonly kro?: string;
  /** @default CLOUDNATIVE_PG.chart.repository */
  readonly cloudNativePg?: string;
  /** @default STRIMZI.chart.repository */
  readonly strimzi?: string;
  /** @default METRICS_SERVER.chart.repository */
  readonly metricsServer?: string;
}

/** The Core layer. */
export class CoreChart extends Chart {
  public readonly operators: FluxStage;
  public readonly sharedServices: FluxStage;
  public readonly cilium: Cilium;
  public readonly kyverno: Kyverno;
  public readonly kro: Kro;
  public readonly cloudNativePg: CloudNativePg;
  public readonly strimzi: Strimzi;
  /** The resource metrics API the WebApplications' autoscalers read. */
  public readonly metricsServer: MetricsServer;
  public readonly kafka: SharedKafka;
  public readonly gateway: SharedGateway;
  /** The user names of the platform's controllers (defined once; policies exempt them where they act). */
  public readonly identities: PlatformIdentities;
  /** What the Foundation layer wires the abstractions to. */
  public readonly wiring: PlatformWiring;
  /** The environment profile in force: the Foundation's RGD defaults follow it. */
  public readonly environment: EnvironmentProfile;

  public constructor(scope: Construct, id: string, props: CoreChartProps = {}) {
    super(scope, id, props);
    this.environment = props.environment ?? LOCAL;
    const environment = this.environment;
    addIssueCheck(this, () => profileProblems(environment).map((p) =>
      issueAt(this, { ...p, fix: `fix the environment profile "${environment.name}"` }, 'environment.')));
    this.operators = new FluxStage(this, 'operators', { path: 'core/operators' });
    this.sharedServices = new FluxStage(this, 'shared-services', { path: 'core/shared-services', dependsOn: [this.operators] });

    const mirrors = props.chartRepositories ?? {};
    this.cilium = new Cilium(this.operators, 'cilium', {
      // Cilium's Envoy binds the Gateway's ports on the node unless the Gateway sits behind a load balancer.
      gatewayHostNetwork: (props.gateway?.listenerMode ?? 'host-network') === 'host-network',
      repository: mirrors.cilium,
      ...props.cilium,
    });
    const afterCni = [this.cilium];
    this.kyverno = new Kyverno(this.operators, 'kyverno', { dependsOn: afterCni, repository: mirrors.kyverno });
    this.kro = new Kro(this.operators, 'kro', { dependsOn: afterCni, repository: mirrors.kro });
    this.cloudNativePg = new CloudNativePg(this.operators, 'cloudnative-pg', { dependsOn: afterCni, repository: mirrors.cloudNativePg });
    this.metricsServer = new MetricsServer(this.operators, 'metrics-server', {
      repository: mirrors.metricsServer, ...props.metricsServer, dependsOn: afterCni,
    });
    // Provisioner and parameters come together: from CoreChartProps.storage when it names a provisioner, else from the profile.
    const storageSource = props.storage?.provisioner !== undefined ? props.storage : environment.storage;
    const provisioner = storageSource?.provisioner;
    const storageClassName = props.storage?.name ?? 'retained';
    if (provisioner === undefined) {
      addIssueCheck(this, () => [issue(this, 'storage.provisioner', undefined,
        `is unset, and the environment profile "${environment.name}" names no storage provisioner: the retained StorageClass needs the provisioner of this cluster's volumes`,
        "set CoreChartProps.storage.provisioner (buildPlatform({ core: { storage: { provisioner: 'ebs.csi.aws.com' } } })) or the profile's storage.provisioner")]);
    } else {
      new RetainedStorageClass(this.operators, 'retained-storage', {
        name: storageClassName, provisioner, parameters: storageSource?.parameters,
      });
    }

    // Broker volumes outlive their claims, as the databases' do.
    this.kafka = new SharedKafka(this.sharedServices, 'kafka', { environment: this.environment, storageClass: storageClassName });
    // Strimzi writes a RoleBinding into every namespace it watches when it installs: the namespace comes first.
    FluxStage.place(this.kafka.namespaceResource, this.operators);
    this.strimzi = new Strimzi(this.operators, 'strimzi', { dependsOn: afterCni, watchNamespaces: [this.kafka.namespace], repository: mirrors.strimzi });
    this.gateway = new SharedGateway(this.sharedServices, 'gateway', props.gateway);

    this.identities = {
      // KRO's chart names its ServiceAccount after the release's full name (chart `_helpers.tpl`, `kro.fullname`).
      kro: serviceAccountUser(this.kro.namespace, this.kro.releaseName),
      // CloudNativePG's chart: `cloudnative-pg.serviceAccountName` defaults to the full name (the release name).
      cloudNativePg: serviceAccountUser(this.cloudNativePg.namespace, this.cloudNativePg.releaseName),
      // Strimzi's chart runs the cluster operator as the fixed ServiceAccount `strimzi-cluster-operator`.
      strimzi: serviceAccountUser(this.strimzi.namespace, 'strimzi-cluster-operator'),
      // Kyverno's chart: `<release>-background-controller` (charts/kyverno `kyverno.background-controller.serviceAccountName`).
      kyvernoBackground: serviceAccountUser(this.kyverno.namespace, `${this.kyverno.releaseName}-background-controller`),
      // Cilium's chart: the agent's ServiceAccount `serviceAccounts.cilium.name` (default `cilium`) in the release namespace.
      ciliumAgent: serviceAccountUser(this.cilium.namespace, 'cilium'),
      kubeControllers: KUBE_CONTROLLER_SERVICE_ACCOUNTS.map((n) => serviceAccountUser('kube-system', n)),
    };
    this.wiring = {
      kafka: this.kafka,
      gateway: this.gateway,
      databaseStorageClass: storageClassName,
      cnpgOperator: { namespace: CloudNativePg.NAMESPACE, podLabels: CloudNativePg.POD_LABELS },
      identities: this.identities,
      apiServerPort: this.cilium.apiServerPort,
    };
  }
}
