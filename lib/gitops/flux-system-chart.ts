/** The `flux-system` chart: the GitRepository and one Kustomization per stage of the other charts. */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { FluxStage } from './flux-stage';
import { FluxSync, FluxSyncProps } from './flux-sync';

/** Properties of {@link FluxSystemChart}. */
export interface FluxSystemChartProps extends ChartProps, Omit<FluxSyncProps, 'stages'> {
  /** The stages of every other chart. */
  readonly stages: readonly FluxStage[];
}

/** The GitOps entry point applied by the bootstrap. */
export class FluxSystemChart extends Chart {
  public readonly stage: FluxStage;

  public constructor(scope: Construct, id: string, props: FluxSystemChartProps) {
    super(scope, id, props);
    // Its own folder; reconciled by the `flux-system` Kustomization it contains.
    this.stage = new FluxStage(this, 'flux-system', { path: 'flux-system' });
    new FluxSync(this.stage, 'sync', props);
  }
}
