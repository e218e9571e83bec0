/**
 * A made-up consumer abstraction, written only with the package's public API: `StaticSite`, a Deployment of a
 * static web server and its Service. Used by the extensibility tests: the platform covers it like a built-in.
 */
import { k8s } from 'cdk8s-plus-33';
import {
  AbstractionFactory, cel, fields, PINNED_IMAGE_PATTERN, Instance, LABELS, ResourceGraph, restrictedPod, RESTRICTED_CONTAINER, SpecOf, Workspace,
} from '../../lib';

export const STATIC_SITE_FIELDS = fields({
  image: { type: 'string', required: true, pattern: PINNED_IMAGE_PATTERN, maxLength: 255, description: 'Image of the static web server, pinned' },
  replicas: { type: 'integer', default: 1, minimum: 1, maximum: 3, description: 'Replicas' },
});

/** The RGD of `StaticSite`. */
export const staticSite: AbstractionFactory = (stage) => new ResourceGraph(stage, 'static-site', {
  kind: 'StaticSite',
  fields: STATIC_SITE_FIELDS,
  resources: [
    {
      id: 'deployment',
      template: k8s.KubeDeployment.manifest({
        metadata: { name: cel('schema.metadata.name'), namespace: cel('schema.metadata.namespace'), labels: { [LABELS.managedBy]: 'kro' } },
        spec: {
          replicas: cel<number>('schema.spec.replicas'),
          selector: { matchLabels: { [LABELS.instance]: cel('schema.metadata.name') } },
          template: {
            metadata: { labels: { [LABELS.instance]: cel('schema.metadata.name') } },
            spec: { securityContext: restrictedPod(101), containers: [{
              name: 'site', image: cel('schema.spec.image'), securityContext: RESTRICTED_CONTAINER,
              resources: { requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') }, limits: { cpu: k8s.Quantity.fromString('200m'), memory: k8s.Quantity.fromString('64Mi') } },
            }] },
          },
        },
      }),
    },
    {
      id: 'service',
      template: k8s.KubeService.manifest({
        metadata: { name: cel('schema.metadata.name'), namespace: cel('schema.metadata.namespace') },
        spec: { selector: { [LABELS.instance]: cel('schema.metadata.name') }, ports: [{ port: 80, targetPort: k8s.IntOrString.fromNumber(8080) }] },
      }),
    },
  ],
});

/** The construct teams write. */
export class StaticSite extends Instance<typeof STATIC_SITE_FIELDS> {
  public constructor(workspace: Workspace, id: string, props: SpecOf<typeof STATIC_SITE_FIELDS> & { readonly name?: string }) {
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
