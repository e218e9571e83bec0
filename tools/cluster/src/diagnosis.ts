/**
 * What to show when the platform does not become Ready: the failing Kustomizations' Ready messages, then
 * whatever else is not Ready and usually the cause — the Git source, HelmReleases, ResourceGraphDefinitions.
 */
import { ClusterError } from './cluster-error';
import { KubeClient, RESOURCES } from './kube-client';
import { KubeObject, objectRef } from './kube-object';
import { readinessOf } from './readiness';

function describe(o: KubeObject): string {
  const r = readinessOf(o);
  const message = r.message ? `: ${r.message.replace(/\s*\n\s*/g, ' ⏎ ')}` : '';
  return `${objectRef(o)} — ${r.reason}${message}`;
}

/** Lines describing the objects among `objects` that are not Ready. */
export function notReadyLines(objects: readonly KubeObject[]): string[] {
  return objects.filter((o) => !readinessOf(o).ready).map(describe);
}

async function section(title: string, load: () => Promise<KubeObject[] | undefined>): Promise<string[]> {
  try {
    const objects = await load();
    if (objects === undefined) return [];
    const lines = notReadyLines(objects);
    return lines.length > 0 ? [`${title}:`, ...lines.map((l) => `  ${l}`)] : [];
  } catch (e) {
    const why = e instanceof ClusterError ? e.problem : String(e);
    return [`${title}: could not be read (${why})`];
  }
}

/**
 * Diagnosis lines for a failed wait.
 * @param kube client of the cluster
 * @param waitingFor the Kustomizations (as last read) that did not become Ready
 */
export async function diagnose(kube: KubeClient, waitingFor: readonly KubeObject[]): Promise<string[]> {
  const lines: string[] = [];
  if (waitingFor.length > 0) lines.push('Not Ready:', ...waitingFor.map((k) => `  ${describe(k)}`));
  lines.push(...(await section('Git sources not Ready', () => kube.list(RESOURCES.gitRepositories))));
  lines.push(...(await section('HelmReleases not Ready', () => kube.list(RESOURCES.helmReleases))));
  lines.push(...(await section('ResourceGraphDefinitions not Ready', () => kube.list(RESOURCES.resourceGraphDefinitions))));
  const first = waitingFor[0];
  lines.push(
    'More detail:',
    `  flux --context ${kube.context} get all --all-namespaces`,
    `  flux --context ${kube.context} logs --all-namespaces --level=error --since=15m`,
    ...(first
      ? [`  kubectl --context ${kube.context} describe ${RESOURCES.kustomizations} --namespace ${first.metadata.namespace ?? 'flux-system'} ${first.metadata.name}`]
      : []),
  );
  return lines;
}
