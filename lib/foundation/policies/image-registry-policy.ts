/**
 * Images in workspaces come from allowed registries and are pinned: a tag other than `latest`, or a digest.
 */
import { Construct } from 'constructs';
import { JsonObject, JsonValue } from '../../shared/json';
import { LATEST_TAG_CEL_PATTERN, TAGGED_IMAGE_CEL_PATTERN } from '../../shared/names';
import { PlatformPolicy } from './platform-policy';

/** The registries tenants may pull from unless the FoundationChart says otherwise. */
export const DEFAULT_ALLOWED_REGISTRIES: readonly string[] = ['ghcr.io/', 'docker.io/', 'quay.io/', 'registry.k8s.io/'];

/** Name of the policy object (`metadata.name`). */
export const IMAGE_REGISTRY_POLICY_NAME = 'image-registries';
/** Name of the policy variable holding the allowed registries, a CEL list literal of strings. */
const ALLOWED_VARIABLE = 'allowed';

/**
 * The allowed registries of an `image-registries` policy object as written to `dist/` (the list literal of
 * its `allowed` variable), so a reader of `dist/` checks images against the policy itself.
 * @returns undefined when `policy` is not such a policy or the variable is not a list of strings
 */
export function allowedRegistriesOf(policy: JsonObject): readonly string[] | undefined {
  const meta = policy.metadata as { name?: JsonValue } | undefined;
  if (policy.kind !== 'ValidatingPolicy' || meta?.name !== IMAGE_REGISTRY_POLICY_NAME) return undefined;
  const variables = (policy.spec as { variables?: JsonValue } | undefined)?.variables;
  const entry = Array.isArray(variables) ? variables.find((v) => (v as { name?: JsonValue } | null)?.name === ALLOWED_VARIABLE) : undefined;
  const expression = (entry as { expression?: JsonValue } | undefined)?.expression;
  if (typeof expression !== 'string') return undefined;
  try {
    const list = JSON.parse(expression) as unknown;
    return Array.isArray(list) && list.every((r) => typeof r === 'string') ? list : undefined;
  } catch {
    return undefined;
  }
}

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

/**
 * The `image-registries` policy (Pods and their controllers). Its `allowedRegistries` are the one list: the
 * WebApplication cross-check (`imageRegistryProblem`) reads them from this object at synth, and
 * `npm run validate` from the policy in `dist/` ({@link allowedRegistriesOf}).
 */
export class ImageRegistryPolicy extends PlatformPolicy {
  /** The allowed registry prefixes. */
  public readonly allowedRegistries: readonly string[];

  public constructor(scope: Construct, id: string, props: ImageRegistryPolicyProps = {}) {
    const registries = props.allowedRegistries ?? DEFAULT_ALLOWED_REGISTRIES;
    super(scope, id, {
      name: IMAGE_REGISTRY_POLICY_NAME,
      description: `Images come from ${registries.join(', ')} and are pinned by tag (not latest) or digest.`,
      match: [],
      podTemplates: true,
      variables: {
        [ALLOWED_VARIABLE]: JSON.stringify(registries),
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
