/**
 * The platform's own name: the value of `app.kubernetes.io/part-of` on every object the platform and its
 * tenant constructs create. Set once per app, before any chart is added (`buildPlatform({ name })` does it);
 * every construct reads it from its app (cdk8s context, looked up from the construct towards the root).
 */
import { IConstruct } from 'constructs';
import { LABELS } from './api';
import { dnsLabelProblem } from './names';

/** The name a platform gets when it sets none. */
export const DEFAULT_PLATFORM_NAME = 'mini-atlas';

const CONTEXT_KEY = 'mini-atlas:platform-name';

/**
 * Names the platform of `app` (the `part-of` label value). Must run before any construct is added to
 * `app` (cdk8s refuses context on a construct with children). Checked at synth by the Flux sync:
 * a DNS-1123 label of at most 63 characters, also a valid label value.
 */
export function setPlatformName(app: IConstruct, name: string): void {
  app.node.setContext(CONTEXT_KEY, name);
}

/** The platform name in force for `scope`. @default DEFAULT_PLATFORM_NAME */
export function platformNameOf(scope: IConstruct): string {
  const name: unknown = scope.node.tryGetContext(CONTEXT_KEY);
  return typeof name === 'string' ? name : DEFAULT_PLATFORM_NAME;
}

/** `{ 'app.kubernetes.io/part-of': <platform name> }` for objects created under `scope`. */
export function partOfLabel(scope: IConstruct): { readonly [LABELS.partOf]: string } {
  return { [LABELS.partOf]: platformNameOf(scope) };
}

/** Why `name` cannot name a platform, or undefined. */
export function platformNameProblem(name: string): string | undefined {
  return dnsLabelProblem(name);
}
