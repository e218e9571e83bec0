/** Builds the whole Mini-Atlas platform: the three layers and the Flux wiring, in one App. */
import { App } from 'cdk8s';
import { FluxSyncProps } from './gitops/flux-sync';
import { EnvironmentProfile, LOCAL } from './shared/environment';
import { stagesOf } from './synth/dist-writer';
import { CoreChart, CoreChartProps } from './core/core-chart';
import { DeliveryChart } from './delivery/delivery-chart';
import { FluxSystemChart } from './gitops/flux-system-chart';
import { FoundationChart, FoundationChartProps } from './foundation/foundation-chart';

/** Options of {@link buildPlatform}. */
export interface PlatformOptions {
  /**
   * The environment profile: a built-in (`LOCAL`, `PRODUCTION`) or your
   * own {@link EnvironmentProfile}. Passed to the Core, Foundation and Delivery charts. @default LOCAL
   */
  readonly environment?: EnvironmentProfile;
  /** Git source Flux follows. @default the FluxSync defaults */
  readonly git?: Pick<FluxSyncProps, 'repositoryUrl' | 'branch' | 'distPath'>;
  /** Core layer settings. @default Kind defaults */
  readonly core?: Omit<CoreChartProps, 'environment'>;
  /** Foundation layer settings. @default defaults */
  readonly foundation?: Omit<FoundationChartProps, 'core' | 'environment'>;
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
  const environment = options.environment ?? LOCAL;
  const core = new CoreChart(app, 'core', { ...options.core, environment });
  const foundation = new FoundationChart(app, 'foundation', { ...options.foundation, core, environment });
  const delivery = new DeliveryChart(app, 'delivery', { foundation, environment });
  options.teams(delivery);
  // Every stage so far; the flux-system chart adds its own, which it reconciles separately.
  const fluxSystem = new FluxSystemChart(app, 'flux-system', { ...options.git, stages: stagesOf(app) });
  return { app, core, foundation, delivery, fluxSystem };
}
