/** Builds the whole Mini-Atlas platform: the three layers and the Flux wiring, in one App. */
import { App } from 'cdk8s';
import { FluxSyncProps } from './gitops/flux-sync';
import { EnvironmentProfile, LOCAL } from './shared/environment';
import { setPlatformName } from './shared/platform-name';
import { stagesOf } from './synth/dist-writer';
import { CoreChart, CoreChartProps } from './core/core-chart';
import { DeliveryChart } from './delivery/delivery-chart';
import { FluxSystemChart } from './gitops/flux-system-chart';
import { FoundationChart, FoundationChartProps } from './foundation/foundation-chart';

/** The Git source Flux follows (see {@link FluxSyncProps} for each field's rule and default). */
export type PlatformGitSource = Pick<FluxSyncProps, 'repositoryUrl' | 'branch' | 'distPath' | 'sourceName' | 'secretRef'>;

/** Where the platform's Flux objects live and how they share a cluster (see {@link FluxSyncProps}). */
export type PlatformFluxOptions = Pick<FluxSyncProps, 'namespace' | 'rootKustomizationName' | 'fluxBootstrap' | 'gatewayApiRepositoryUrl' | 'interval'>;

/** Options of {@link buildPlatform}. Every name an organisation picks is here; each is checked at synth. */
export interface PlatformOptions {
  /**
   * The platform's name: the `app.kubernetes.io/part-of` label of every object it creates; a DNS-1123 label.
   * @default DEFAULT_PLATFORM_NAME (`mini-atlas`)
   */
  readonly name?: string;
  /**
   * The environment profile: a built-in (`LOCAL`, `PRODUCTION`) or your
   * own {@link EnvironmentProfile}. Passed to the Core, Foundation and Delivery charts. @default LOCAL
   */
  readonly environment?: EnvironmentProfile;
  /**
   * Git source Flux follows: URL, branch, the output's path in the repository, the GitRepository's name,
   * the Secret of a private repository. @default the {@link FluxSyncProps} defaults
   */
  readonly git?: PlatformGitSource;
  /**
   * Flux objects' namespace, the name of the root Kustomization, coexistence with `flux bootstrap`, a mirror
   * of the Gateway API repository. @default the {@link FluxSyncProps} defaults
   */
  readonly flux?: PlatformFluxOptions;
  /** Core layer settings: gateway, storage, chart mirrors, Cilium. @default Kind defaults */
  readonly core?: Omit<CoreChartProps, 'environment'>;
  /** Foundation layer settings: allowed image registries, the platform's own abstractions. @default defaults */
  readonly foundation?: Omit<FoundationChartProps, 'core' | 'environment' | 'fluxNamespace'>;
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
  if (options.name !== undefined) setPlatformName(app, options.name);
  const environment = options.environment ?? LOCAL;
  const core = new CoreChart(app, 'core', { ...options.core, environment });
  const foundation = new FoundationChart(app, 'foundation', {
    ...options.foundation, core, environment, ...(options.flux?.namespace !== undefined ? { fluxNamespace: options.flux.namespace } : {}),
  });
  const delivery = new DeliveryChart(app, 'delivery', { foundation, environment });
  options.teams(delivery);
  // Every stage so far; the flux-system chart adds its own, which it reconciles separately.
  const fluxSystem = new FluxSystemChart(app, 'flux-system', { ...options.flux, ...options.git, stages: stagesOf(app) });
  return { app, core, foundation, delivery, fluxSystem };
}
