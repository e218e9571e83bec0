/** Builds the whole Mini-Atlas platform: the three layers and the Flux wiring, in one App. */
import { App } from 'cdk8s';
import { FluxSyncProps } from './gitops/flux-sync';
import { ENVIRONMENT_CONTEXT_KEY, EnvironmentProfile } from './shared/environment';
import { stagesOf } from './synth/dist-writer';
import { CoreChart, CoreChartProps } from './core/core-chart';
import { DeliveryChart } from './delivery/delivery-chart';
import { FluxSystemChart } from './gitops/flux-system-chart';
import { FoundationChart, FoundationChartProps } from './foundation/foundation-chart';

/** Options of {@link buildPlatform}. */
export interface PlatformOptions {
  /** Environment profile name. @default 'local' */
  readonly environment?: EnvironmentProfile['name'];
  /** Git source Flux follows. @default the FluxSync defaults */
  readonly git?: Pick<FluxSyncProps, 'repositoryUrl' | 'branch'>;
  /** Core layer settings. @default Kind defaults */
  readonly core?: CoreChartProps;
  /** Foundation layer settings. @default defaults */
  readonly foundation?: Omit<FoundationChartProps, 'core'>;
  /** Adds the teams' workspaces to the Delivery layer. */
  readonly teams: (delivery: DeliveryChart) => void;
}

/** The charts of a platform. */
export interface Platform {
  readonly app: App;
  readonly core: CoreChart;
  readonly foundation: FoundationChart;
  readonly delivery: DeliveryChart;
  readonly fluxSystem: FluxSystemChart;
}

/** Composes the layers. Nothing is written: pass `platform.app` to `writeDist`. */
export function buildPlatform(options: PlatformOptions): Platform {
  const app = new App({ outdir: 'dist' });
  app.node.setContext(ENVIRONMENT_CONTEXT_KEY, options.environment ?? 'local');
  const core = new CoreChart(app, 'core', options.core);
  const foundation = new FoundationChart(app, 'foundation', { ...options.foundation, core });
  const delivery = new DeliveryChart(app, 'delivery', { foundation });
  options.teams(delivery);
  // Every stage so far; the flux-system chart adds its own, which it reconciles separately.
  const fluxSystem = new FluxSystemChart(app, 'flux-system', { ...options.git, stages: stagesOf(app) });
  return { app, core, foundation, delivery, fluxSystem };
}
