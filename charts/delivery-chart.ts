/**
 * DeliveryChart: the teams' instances. Each workspace is its own Flux stage (`delivery/<workspace>`), so one
 * team's broken manifest cannot block another team's reconcile, and each reconcile builds one small folder.
 */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { FluxStage, Workspace, WorkspaceProps } from '../lib';
import { FoundationChart } from './foundation-chart';

/** Properties of {@link DeliveryChart}. */
export interface DeliveryChartProps extends ChartProps {
  /** The Foundation layer whose APIs the instances use. */
  readonly foundation: FoundationChart;
}

/** The Delivery layer. */
export class DeliveryChart extends Chart {
  private readonly foundation: FoundationChart;

  public constructor(scope: Construct, id: string, props: DeliveryChartProps) {
    super(scope, id, props);
    this.foundation = props.foundation;
  }

  /** Adds a workspace in its own Flux stage; create its apps, infrastructure and topics inside it. */
  public addWorkspace(name: string, props: WorkspaceProps): Workspace {
    const stage = new FluxStage(this, name, {
      path: `delivery/${name}`,
      dependsOn: [this.foundation.stage],
      // Instances become Ready only when their children are; a team's stage reports its own health.
      timeout: '15m',
    });
    return new Workspace(stage, name, props);
  }
}
