/** WebApplication: a containerised HTTP service exposed through the shared Gateway. */
import { Construct } from 'constructs';
import { hostnameOwnershipProblem, hostnameProblem, imageProblem } from '../shared/names';
import { issue, ValidationIssue } from '../shared/validation-error';
import { imageRegistryProblem, listenerHostnameProblem, PodDemand, webApplicationPods } from '../foundation/cross-checks';
import { platformServices } from './platform-services';
import { WEB_APPLICATION_FIELDS, WebApplicationSpec } from '../foundation/web-application/schema';
import { freeId, Instance, register, registered } from './instance';
import { Infrastructure } from './infrastructure';
import { Topic } from './topic';
import { EgressHost, egressIssues, Workspace } from './workspace';

/** Requests and limits of the application container (requests = limits: guaranteed QoS). */
export interface ResourceSizes {
  /** CPU. @default '250m' */
  readonly cpu?: string;
  /** Memory. @default '256Mi' */
  readonly memory?: string;
}

/** Properties of {@link WebApplication}. */
export interface WebApplicationProps {
  /** Kubernetes name of the instance (also of its Deployment, Service and HTTPRoute). @default `<workspace>-<id>` */
  readonly name?: string;
  /** Container image, fully qualified and pinned by a tag other than `latest` or by digest. */
  readonly image: string;
  /** Number of pods (1–10). @default 1 */
  readonly replicas?: number;
  /**
   * Host name routed to the app through the shared Gateway; unique across the platform, and owned by the
   * workspace: `<workspace>.<domain>` or `<workspace>-<name>.<domain>` under the platform domain.
   */
  readonly hostname: string;
  /** Port the container listens on (1024–65535). @default 8080 */
  readonly port?: number;
  /** HTTP path of the readiness and liveness probes. @default '/' */
  readonly healthPath?: string;
  /** Container resources. @default { cpu: '250m', memory: '256Mi' } */
  readonly resources?: ResourceSizes;
  /** Infrastructure whose database and cache the app connects to. @default none */
  readonly database?: Infrastructure;
  /** Topic the app produces to / consumes from. @default none */
  readonly topic?: Topic;
  /**
   * External hosts this app's pods may connect to (at most 16; the CiliumNetworkPolicy `<name>-egress`), beside
   * those its workspace allows to every pod (`WorkspaceProps.egress`). @default []
   */
  readonly egress?: EgressHost[];
}

/** A workspace's web application. */
export class WebApplication extends Instance<typeof WEB_APPLICATION_FIELDS> {
  /** The workspace it belongs to. */
  public readonly workspace: Workspace;
  /** The connected infrastructure, if any. */
  public readonly database?: Infrastructure;
  /** The connected topic, if any. */
  public readonly topic?: Topic;

  public constructor(workspace: Workspace, id: string, props: WebApplicationProps) {
    const duplicates: string[] = [];
    const scope: Construct = workspace.node.tryFindChild('apps') as Construct | undefined ?? new Construct(workspace, 'apps');
    const { name, database, topic, egress, ...rest } = props;
    const spec: WebApplicationSpec = {
      ...rest,
      ...(egress ? { egress: egress.map((e) => ({ ...e })) } : {}),
      ...(database ? { database: database.name } : {}),
      ...(topic ? { topic: topic.name } : {}),
    };
    super(scope, freeId(scope, id, duplicates), duplicates, {
      kind: 'WebApplication',
      name: name ?? workspace.qualify(id),
      namespace: workspace.namespace,
      fields: WEB_APPLICATION_FIELDS,
      spec,
      workspace: workspace.name,
    });
    this.workspace = workspace;
    this.database = database;
    this.topic = topic;
    register(this, `hostname:${this.resolvedSpec.hostname}`);
  }

  /** The host name of the app. */
  public get hostname(): string {
    return this.resolvedSpec.hostname;
  }

  /** The app's `replicas` pods, each with its container's resources (requests = limits). */
  public override podDemands(): readonly PodDemand[] {
    return webApplicationPods(this.name, this.resolvedSpec);
  }

  /** The Deployment and Service the RGD names after the app. */
  public override derivedObjects(): readonly string[] {
    return [`Service ${this.name}`, `Deployment ${this.name}`];
  }

  protected override validateInstance(): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    const img = imageProblem(this.resolvedSpec.image);
    if (img) out.push(issue(this, 'spec.image', this.resolvedSpec.image, img, 'use a fully qualified image with a version tag, e.g. ghcr.io/acme/web:1.4.2'));
    const { imagePolicies, webApplicationDefinitions } = platformServices(this);
    const denied = img ? undefined : imagePolicies.map((p) => imageRegistryProblem(this.resolvedSpec.image, p.allowedRegistries)).find((p) => p);
    if (denied) out.push(issue(this, 'spec.image', this.resolvedSpec.image, denied.rule, denied.fix));
    const host = hostnameProblem(this.hostname);
    if (host) out.push(issue(this, 'spec.hostname', this.hostname, host));
    const outside = host ? undefined : webApplicationDefinitions.map((d) => listenerHostnameProblem(this.hostname, d.gateway.listenerHostname, this.name)).find((p) => p);
    if (outside) out.push(issue(this, 'spec.hostname', this.hostname, outside.rule, outside.fix));
    const domain = this.workspace.hostDomain;
    const owner = !host && !outside && domain !== undefined ? hostnameOwnershipProblem(this.hostname, this.workspace.name, domain) : undefined;
    if (owner) out.push(issue(this, 'spec.hostname', this.hostname, owner, 'host names on the shared Gateway belong to workspaces (the hostname-ownership policy refuses others)'));
    const first = registered<WebApplication>(this, `hostname:${this.hostname}`)[0];
    if (first && first !== this && !host) {
      out.push(issue(this, 'spec.hostname', this.hostname, `is already routed to ${first.node.path}`, 'give every application its own host name'));
    }
    out.push(...egressIssues(this, this.resolvedSpec.egress));
    for (const [field, ref] of [['database', this.database], ['topic', this.topic]] as const) {
      if (ref && ref.workspace !== this.workspace) {
        out.push(issue(this, field, ref.node.path, `belongs to workspace "${ref.workspace.name}", not "${this.workspace.name}"`, 'connect apps only to infrastructure and topics of their own workspace'));
      }
    }
    return out;
  }
}
