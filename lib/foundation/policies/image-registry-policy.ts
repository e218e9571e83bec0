/**
 * Images in workspaces come from allowed registries and are pinned: a tag other than `latest`, or a digest.
 */
import { Construct } from 'constructs';
import { LATEST_TAG_CEL_PATTERN, TAGGED_IMAGE_CEL_PATTERN } from '../../shared/names';
import { PlatformPolicy } from './platform-policy';

/** Properties of {@link ImageRegistryPolicy}. */
export interface ImageRegistryPolicyProps {
  /**
   * Allowed registry prefixes (with trailing `/`); images must be fully qualified.
   * @default ['ghcr.io/', 'docker.io/', 'quay.io/', 'registry.k8s.io/']
   */
  readonly allowedRegistries?: readonly string[];
}

const PINNED = JSON.stringify(TAGGED_IMAGE_CEL_PATTERN);
const LATEST = JSON.stringify(LATEST_TAG_CEL_PATTERN);

/** The `image-registries` policy (Pods and their controllers). */
export class ImageRegistryPolicy extends PlatformPolicy {
  public readonly allowedRegistries: readonly string[];

  public constructor(scope: Construct, id: string, props: ImageRegistryPolicyProps = {}) {
    const registries = props.allowedRegistries ?? ['ghcr.io/', 'docker.io/', 'quay.io/', 'registry.k8s.io/'];
    super(scope, id, {
      name: 'image-registries',
      description: `Images come from ${registries.join(', ')} and are pinned by tag (not latest) or digest.`,
      match: [],
      podTemplates: true,
      variables: {
        allowed: JSON.stringify(registries),
        images: 'variables.containers.map(c, c.image)',
      },
      rules: [
        {
          expression: 'variables.images.all(i, variables.allowed.exists(r, i.startsWith(r)))',
          messageExpression:
            'object.kind + " \\"" + object.metadata.name + "\\": images must come from " + variables.allowed.join(", ") + "; not allowed: " + ' +
            'variables.images.filter(i, !variables.allowed.exists(r, i.startsWith(r))).join(", ")',
        },
        {
          expression: `variables.images.all(i, i.matches(${PINNED}) && !i.matches(${LATEST}))`,
          messageExpression:
            'object.kind + " \\"" + object.metadata.name + "\\": images must be pinned by a tag other than latest, or by digest; not pinned: " + ' +
            `variables.images.filter(i, !i.matches(${PINNED}) || i.matches(${LATEST})).join(", ")`,
        },
      ],
    });
    this.allowedRegistries = registries;
  }
}
