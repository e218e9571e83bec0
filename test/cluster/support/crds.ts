/**
 * The CustomResourceDefinitions the platform needs on a control plane: every upstream CRD in
 * `lib/shared/schema-sources.ts` (resolved to files by `tools/cli-common/src/schema-store.ts`), except that the
 * reconstructed Cilium CRDs are replaced by the real ones `npm run tools` copied from the pinned Cilium module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CRD_SOURCES } from '../../../lib/shared/schema-sources';
import { resolveSchema } from '@mini-atlas/cli-common/schema-store';
import { toolPaths } from '../../../tools/control-plane/src/tool-cache';
import { KubeClient, KubeObject, waitFor } from '../../../tools/control-plane/src/kube-client';

/** A CRD and the file it came from. */
export interface CrdFile {
  readonly file: string;
  readonly crd: KubeObject;
}

function readCrds(file: string): CrdFile[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && o.kind === 'CustomResourceDefinition')
    .map((crd) => ({ file, crd }));
}

/** The real Cilium CRDs (`v2/` and `v2alpha1/` of the pinned module). */
export function ciliumCrds(): CrdFile[] {
  const root = toolPaths(['cilium-crds']).ciliumCrds;
  return ['v2', 'v2alpha1'].flatMap((v) =>
    readdirSync(join(root, v)).filter((f) => f.endsWith('.yaml')).sort().flatMap((f) => readCrds(join(root, v, f))));
}

/** Every CRD the platform needs: upstream CRDs at their pinned versions plus the real Cilium CRDs. */
export function platformCrds(): CrdFile[] {
  const upstream = CRD_SOURCES.filter((s) => s.component !== 'cilium').flatMap((s) => readCrds(resolveSchema(s.url)));
  return [...upstream, ...ciliumCrds()];
}

/** Server-side applies CRDs and waits until each is Established (its API is served). */
export async function installCrds(client: KubeClient, crds: readonly CrdFile[], timeoutMs = 120_000): Promise<void> {
  for (const { crd, file } of crds) {
    try {
      await client.apply(crd, { fieldManager: 'mini-atlas-crds' });
    } catch (e) {
      throw new Error(`installing CRD ${crd.metadata.name} from ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  await Promise.all(crds.map(({ crd }) => waitFor(`CRD ${crd.metadata.name} Established`, async () => {
    const live = await client.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', crd.metadata.name!);
    const conditions = (live?.status?.conditions ?? []) as { type: string; status: string }[];
    return conditions.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  }, { timeoutMs })));
  await client.refreshDiscovery();
}
