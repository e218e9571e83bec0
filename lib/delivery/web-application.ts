/** WebApplication: a containerised HTTP service exposed through the shared Gateway. */
import { hostnameOwnershipProblem, hostnameProblem } from '../shared/names';
import { issue, ValidationIssue } from '../shared/validation-error';
import { listenerHostnameProblem, PodDemand, webApplicationPods } from '../foundation/cross-checks';
import { platformServices } from './platform-services';
import { WEB_APPLICATION_FIELDS, WebApplicationSpec } from '../foundation/web-application/schema';
import { register, registered } from './instance';
import { ContainerInstance, ContainerProps, containerSpec } from './container';
import { EgressHost, egressIssues, Workspace } from './workspace';

/** Autoscaling of a {@link WebApplication} on CPU (a HorizontalPodAutoscaler; needs the Core layer's metrics-server). */
export interface AutoscalingOptions {
  /** Scale between `minReplicas` and `maxReplicas`; `replicas` must then be left unset. @default false */
  readonly enabled?: boolean;
  /** Fewest pods (1–10). @default 1 */
  readonly minReplicas?: number;
  /** Most pods (1–10, at least `minReplicas`); the workspace quota must hold this many. @default 3 */
  readonly maxReplicas?: number;
  /** Target average CPU use, in percent of the CPU request (10–100). @default 80 */
  readonly cpuUtilization?: number;
}

/** Properties of {@link WebApplication}. */
export interface WebApplicationProps extends ContainerProps {
  /** Kubernetes name of the instance (also of its Deployment, Service and HTTPRoute). @default `<workspace>-<id>` */
  readonly name?: string;
  /**
   * Number of pods (0–10); 0 pauses the app. A PodDisruptionBudget (one pod at a time) exists when more than
   * one pod can run. Must stay unset while autoscaling is enabled. @default 1
   */
  readonly replicas?: number;
  /**
   * Host name routed to the app through the shared Gateway; unique across the platform, and owned by the
   * workspace: `<workspace>.<domain>` or `<workspace>-<name>.<domain>` under the platform domain.
   */
  readonly hostname: string;
  /** Port the container listens on (1024–65535); the container gets it as `PORT`. @default 8080 */
  readonly port?: number;
  /** HTTP path of the readiness and liveness probes, unless `readinessPath`/`livenessPath` is set. @default '/' */
  readonly healthPath?: string;
  /** HTTP path of the readiness probe (a failing pod gets no traffic). @default '' (healthPath) */
  readonly readinessPath?: string;
  /** HTTP path of the liveness probe (a failing container is restarted). @default '' (healthPath) */
  readonly livenessPath?: string;
  /** A HorizontalPodAutoscaler on CPU. @default disabled */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * External hosts this app's pods may connect to (at most 16; the CiliumNetworkPolicy `<name>-egress`), beside
   * those its workspace allows to every pod (`WorkspaceProps.egress`). @default []
   */
  readonly egress?: EgressHost[];
}

/** A workspace's web application. */
export class WebApplication extends ContainerInstance<typeof WEB_APPLICATION_FIELDS> {
  public constructor(workspace: Workspace, id: string, props: WebApplicationProps) {
    const { autoscaling, egress, ...rest } = props;
    const spec = {
      ...containerSpec(rest),
      ...(egress ? { egress: egress.map((e) => ({ ...e })) } : {}),
      ...(autoscaling ? { autoscaling: { ...autoscaling } } : {}),
    } as WebApplicationSpec;
    super(workspace, id, props, { kind: 'WebApplication', group: 'apps', fields: WEB_APPLICATION_FIELDS, spec });
    register(this, `hostname:${this.resolvedSpec.hostname}`);
  }

  /** The host name of the app. */
  public get hostname(): string {
    return this.resolvedSpec.hostname;
  }

  /** The app's pods (`replicas`, or the autoscaler's `maxReplicas`), each with its container's resources (requests = limits). */
  public override podDemands(): readonly PodDemand[] {
    return webApplicationPods(this.name, this.resolvedSpec);
  }

  /** The Deployment and Service the RGD names after the app. */
  public override derivedObjects(): readonly string[] {
    return [`Service ${this.name}`, `Deployment ${this.name}`];
  }

  protected override validateInstance(): ValidationIssue[] {
    const out = super.validateInstance();
    const { webApplicationDefinitions } = platformServices(this);
    const host = hostnameProblem(this.hostname);
    if (host) out.push(issue(this, 'spec.hostname', this.hostname, host));
    const outside = host ? undefined : webApplicationDefinitions.map((d) => listenerHostnameProblem(this.hostname, d.gateway.listenerHostname, this.name)).find((p) => p);
    if (outside) out.push(issue(this, 'spec.hostname', this.hostname, outside.rule, outside.fix));
    const domain = this.workspace.hostDomain;
    // An invalid workspace name is reported on the Workspace; the host names it owns would be invalid too.
    const owner = !host && !outside && domain !== undefined && this.workspace.nameProblem() === undefined
      ? hostnameOwnershipProblem(this.hostname, this.workspace.name, domain) : undefined;
    if (owner) out.push(issue(this, 'spec.hostname', this.hostname, owner.rule, owner.fix));
    const first = registered<WebApplication>(this, `hostname:${this.hostname}`)[0];
    if (first && first !== this && !host) {
      out.push(issue(this, 'spec.hostname', this.hostname, `is already routed to ${first.node.path}`, 'give every application its own host name'));
    }
    out.push(...egressIssues(this, this.resolvedSpec.egress));
    out.push(...this.scalingIssues());
    return out;
  }

  /** Autoscaling bounds in order, and no `replicas` the autoscaler would ignore. */
  private scalingIssues(): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    const { autoscaling } = this.resolvedSpec;
    if (autoscaling.minReplicas > autoscaling.maxReplicas) {
      out.push(issue(this, 'spec.autoscaling.minReplicas', autoscaling.minReplicas, `is more than maxReplicas (${autoscaling.maxReplicas}): the HorizontalPodAutoscaler would be refused`,
        'set minReplicas to at most maxReplicas'));
    }
    if (autoscaling.enabled && this.spec.replicas !== undefined) {
      out.push(issue(this, 'spec.replicas', this.spec.replicas, 'is ignored while autoscaling is enabled: the HorizontalPodAutoscaler sets the replicas between minReplicas and maxReplicas',
        'remove replicas, or disable autoscaling'));
    }
    return out;
  }
}
