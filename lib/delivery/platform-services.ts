/**
 * What the tenant constructs' cross-checks need to know of the rest of the app: the image policies and the
 * Gateway the WebApplication RGD attaches routes to. Found once per app, at validation time (when the tree is
 * complete); an app without a Foundation layer (tenant constructs only) has none, and those checks are skipped.
 */
import { IConstruct } from 'constructs';
import { ImageRegistryPolicy } from '../foundation/policies/image-registry-policy';
import { WebApplicationDefinition } from '../foundation/web-application/definition';

/** The platform's parts the cross-checks read. */
export interface PlatformServices {
  /** Every `image-registries` policy of the app: an image must pass each. */
  readonly imagePolicies: readonly ImageRegistryPolicy[];
  /** Every WebApplication RGD of the app: an app's host name must lie under each one's Gateway listener. */
  readonly webApplicationDefinitions: readonly WebApplicationDefinition[];
}

const FOUND = new WeakMap<IConstruct, PlatformServices>();

/** The platform services of the app `scope` belongs to (searched once per app). */
export function platformServices(scope: IConstruct): PlatformServices {
  const root = scope.node.root;
  let found = FOUND.get(root);
  if (!found) {
    const all = root.node.findAll();
    found = {
      imagePolicies: all.filter((c): c is ImageRegistryPolicy => c instanceof ImageRegistryPolicy),
      webApplicationDefinitions: all.filter((c): c is WebApplicationDefinition => c instanceof WebApplicationDefinition),
    };
    FOUND.set(root, found);
  }
  return found;
}
