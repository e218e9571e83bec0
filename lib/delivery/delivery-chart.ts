/**
 * DeliveryChart: the teams' instances.
 *
 * - `delivery/workspaces`: every Workspace instance. KRO turns each into a namespace; this stage is Ready
 *   only when they are. It must come first: kustomize-controller dry-runs every object of a stage before
 *   applying any, so objects in a namespace that a Workspace of the same stage creates would block it forever.
 * - `delivery/<workspace>`: one stage (and Flux Kustomization) per team, so one team's broken manifest cannot
 *   block another team's reconcile, and each reconcile builds one small folder. Flux applies it as the
 *   workspace's own service account (`delivery-<workspace>`, created by the Workspace RGD), which may manage only
 *   the tenant kinds in the workspace; synth refuses a team stage holding anything else (a tenant stage,
 *   `FluxStage`'s `tenant`). The platform stages name Flux's privileged account explicitly.
 */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentProfile } from '../shared/environment';
import { FluxStage } from '../gitops/flux-stage';
import { Workspace, WorkspaceProps } from './workspace';
import { FoundationChart } from '../foundation/foundation-chart';
import { deliveryServiceAccount, TenantResource } from '../foundation/tenant-access';

/** Properties of {@link DeliveryChart}. */
export interface DeliveryChartProps extends ChartProps {
  /** The Foundation layer whose APIs the instances use. */
  readonly foundation: FoundationChart;
  /**
   * Sizes of every workspace added with {@link DeliveryChart.addWorkspace}, and of its instances.
   * @default the Foundation layer's profile (`foundation.environment`), so the instances and the RGD defaults agree
   */
  readonly environment?: EnvironmentProfile;
}

/** The Delivery layer. */
export class DeliveryChart extends Chart {
  /** The stage holding every Workspace instance. */
  public readonly workspaces: FluxStage;
  /** The environment profile its workspaces get. */
  public readonly environment: EnvironmentProfile;
  /** The platform domain its workspaces' applications get host names under. */
  public readonly hostDomain: string;
  /** The kinds a team stage may hold: the Foundation's tenant kinds (built-in and the platform's own). */
  public readonly tenantKinds: readonly TenantResource[];

  public constructor(scope: Construct, id: string, props: DeliveryChartProps) {
    super(scope, id, props);
    this.environment = props.environment ?? props.foundation.environment;
    this.hostDomain = props.foundation.hostDomain;
    this.tenantKinds = props.foundation.tenantResources;
    this.workspaces = new FluxStage(this, 'workspaces', { path: 'delivery/workspaces', dependsOn: [props.foundation.stage] });
  }

  /** Adds a workspace (instance in `delivery/workspaces`); create its apps, infrastructure and topics inside it. */
  public addWorkspace(name: string, props: Omit<WorkspaceProps, 'environment' | 'hostDomain'>): Workspace {
    const stage = new FluxStage(this, name, {
      path: `delivery/${name}`,
      pathDerivedFrom: 'the workspace name',
      dependsOn: [this.workspaces],
      // Instances become Ready only when their children are; a team's stage reports its own health.
      timeout: '15m',
      serviceAccountName: deliveryServiceAccount(name),
      tenant: { namespace: name, kinds: this.tenantKinds.map(({ apiVersion, kind }) => ({ apiVersion, kind })) },
    });
    const workspace = new Workspace(stage, name, { ...props, environment: this.environment, hostDomain: this.hostDomain });
    FluxStage.place(workspace.apiObject, this.workspaces);
    return workspace;
  }
}
