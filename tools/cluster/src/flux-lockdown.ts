/**
 * Flux's multi-tenancy lockdown, as `cluster:up` sets it after `flux install`
 * (https://fluxcd.io/flux/installation/configuration/multitenancy/, RFC-0003 "Flux Multi-Tenancy Mode"):
 *
 * - `--default-service-account=default` on kustomize-controller: a Kustomization that names no
 *   `serviceAccountName` is applied as `flux-system/default`, which has no rights, never as the controller's own
 *   cluster-admin account. Every Mini-Atlas stage names its account (platform stages `kustomize-controller`,
 *   team stages `delivery-<workspace>`), so this default only catches a Kustomization written by hand.
 * - `--no-cross-namespace-refs=true` on the controllers that follow references (kustomize, helm, notification):
 *   an object may reference sources and dependencies only in its own namespace.
 * - `--no-remote-bases=true` on kustomize-controller: a `kustomization.yaml` may not pull remote bases.
 *
 * helm-controller keeps its own account as default: every HelmRelease is the platform's (core/operators), and
 * no tenant role allows creating one.
 *
 * `flux install` has no flag for controller arguments, so the Deployments' args are set afterwards (read, set,
 * patched as one list: idempotent whatever a previous run or `flux install` left), and each patched controller
 * is rolled out before the platform's Kustomizations are applied, so none is ever reconciled unlocked.
 */

/** Flux's namespace, as `flux install` creates it. */
export const FLUX_INSTALL_NAMESPACE = 'flux-system';

/** The arguments each Flux controller gets (flag → value). */
export const FLUX_LOCKDOWN: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'kustomize-controller': { '--default-service-account': 'default', '--no-cross-namespace-refs': 'true', '--no-remote-bases': 'true' },
  'helm-controller': { '--no-cross-namespace-refs': 'true' },
  'notification-controller': { '--no-cross-namespace-refs': 'true' },
};

/**
 * `args` with every flag of `flags` set to its value: an existing `--flag=value` (or `--flag value`) is
 * replaced in place, a missing one appended; other arguments keep their order.
 */
export function lockedArgs(args: readonly string[], flags: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const flag = Object.keys(flags).find((f) => a === f || a.startsWith(`${f}=`));
    if (!flag) {
      out.push(a);
      continue;
    }
    if (a === flag && i + 1 < args.length && !args[i + 1].startsWith('--')) i++;
    if (!seen.has(flag)) out.push(`${flag}=${flags[flag]}`);
    seen.add(flag);
  }
  for (const [flag, value] of Object.entries(flags)) if (!seen.has(flag)) out.push(`${flag}=${value}`);
  return out;
}

/** The controller container's args of a Deployment as `kubectl get --output json` returns it. */
export function managerArgs(deployment: unknown, name: string): { index: number; args: string[] } {
  const containers = (deployment as { spec?: { template?: { spec?: { containers?: { name?: string; args?: unknown }[] } } } })
    ?.spec?.template?.spec?.containers ?? [];
  const index = containers.findIndex((c) => c.name === 'manager');
  if (index < 0) {
    throw new Error(`Deployment ${FLUX_INSTALL_NAMESPACE}/${name} has no container "manager" (the name \`flux install\` gives each controller)`);
  }
  const args = containers[index].args;
  return { index, args: Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : [] };
}
