/**
 * Acme's own abstraction: `StaticSite`, a static web server (Deployment) and its Service. Registered with
 * `buildPlatform({ foundation: { abstractions: [staticSite] } })`, it is covered like the built-in kinds: KRO's
 * permissions, the workspace policies, the tenant roles and the team stages include it, and the construct
 * gets the workspace prefix rule and the name-clash check from the `Instance` base class.
 */
import { AbstractionFactory, cel, fields, Instance, LABELS, PINNED_IMAGE_PATTERN, ResourceGraph, type SpecOf, Workspace } from 'mini-atlas';

/** The schema: the one declaration of the RGD's SimpleSchema, the props type and the checks at synth. */
export const STATIC_SITE_FIELDS = fields({
  image: { type: 'string', required: true, pattern: PINNED_IMAGE_PATTERN, maxLength: 255, description: 'Image of the static web server, pinned' },
  replicas: { type: 'integer', default: 1, minimum: 1, maximum: 3, description: 'Replicas' },
});

const NAME = cel('schema.metadata.name');
const NAMESPACE = cel('schema.metadata.namespace');

/** The RGD of `StaticSite`: a Deployment (restricted Pod Security) and a Service on port 80. */
export const staticSite: AbstractionFactory = (stage) => new ResourceGraph(stage, 'static-site', {
  kind: 'StaticSite',
  fields: STATIC_SITE_FIELDS,
  resources: [
    {
      id: 'deployment',
      template: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: NAME, namespace: NAMESPACE, labels: { [LABELS.managedBy]: 'kro' } },
        spec: {
          replicas: cel('schema.spec.replicas'),
          selector: { matchLabels: { [LABELS.instance]: NAME } },
          template: {
            metadata: { labels: { [LABELS.instance]: NAME } },
            spec: {
              securityContext: { runAsNonRoot: true, runAsUser: 101, seccompProfile: { type: 'RuntimeDefault' } },
              containers: [{
                name: 'site',
                image: cel('schema.spec.image'),
                ports: [{ containerPort: 8080 }],
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
              }],
            },
          },
        },
      },
    },
    {
      id: 'service',
      template: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: NAME, namespace: NAMESPACE },
        spec: { selector: { [LABELS.instance]: NAME }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    },
  ],
});

/** Properties of {@link StaticSite}: the schema's fields, and the instance name. */
export type StaticSiteProps = SpecOf<typeof STATIC_SITE_FIELDS> & {
  /** Kubernetes name of the instance. @default `<workspace>-<id>` */
  readonly name?: string;
};

/** The construct a team writes: `new StaticSite(workspace, 'docs', { image })`. */
export class StaticSite extends Instance<typeof STATIC_SITE_FIELDS> {
  public constructor(workspace: Workspace, id: string, props: StaticSiteProps) {
    const { name, ...spec } = props;
    super(workspace, id, [], {
      kind: 'StaticSite', name: name ?? workspace.qualify(id), namespace: workspace.namespace, fields: STATIC_SITE_FIELDS, spec, workspace: workspace.name,
    });
  }

  /** Its Service has the instance's name. */
  public override derivedObjects(): readonly string[] {
    return [`Service ${this.name}`];
  }
}
