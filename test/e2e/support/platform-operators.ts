/**
 * The operators the e2e suites install on the node themselves (the platform's `core-operators` stage holds
 * HelmReleases, and no chart repository is reachable here): KRO as a process with the RBAC its HelmRelease asks
 * for plus dist/'s aggregated grant, and the CloudNativePG operator as a pod (`tools/node/src/cnpg.ts`). And the
 * one change the node needs in the platform's Infrastructure RGD: the PostgreSQL and Valkey images the node has.
 */
import { CLOUDNATIVE_PG, VALKEY } from '../../../lib/shared/versions';
import { KroController } from '../../../tools/control-plane/src/kro-controller';
import { CNPG, cnpgOperatorObjects } from '../../../tools/node/src/cnpg';
import { IMAGES } from '../../../tools/node/src/images';
import type { E2eNode } from '../../../tools/node/src/node';
import type { Dist } from '../../cluster/support/dist';
import { KRO_AGGREGATE_LABEL, kroInstallation, kroRbac } from '../../cluster/support/kro-identity';
import { KubeClient, KubeObject, waitFor } from '../../../tools/control-plane/src/kube-client';

const MINUTE = 60_000;

/**
 * Starts KRO with the RBAC its HelmRelease asks for and the platform's own grant (the one ClusterRole of
 * dist/core/operators aggregated to KRO's role), once KRO's identity may watch RGDs and `watchKind`.
 */
export async function startKro(node: E2eNode, client: KubeClient, dist: Dist, watchKind = 'webapplications'): Promise<KroController> {
  const install = kroInstallation(dist);
  for (const o of kroRbac(install)) await client.apply(o, { fieldManager: 'helm-controller' });
  const grants = dist.all.map((o) => o.object).filter((o) => o.kind === 'ClusterRole' && o.metadata.labels?.[KRO_AGGREGATE_LABEL] === 'true');
  if (grants.length !== 1) throw new Error(`expected one ClusterRole aggregated to KRO in dist/, found ${grants.length}`);
  for (const g of grants) await client.apply(g, { fieldManager: 'kustomize-controller' });
  const identity = await node.plane.issueKubeconfig('kro', { user: install.user, groups: install.groups });
  const asKro = new KubeClient(identity.credentials);
  await waitFor(`KRO may watch ResourceGraphDefinitions and ${watchKind}`, async () =>
    ((await asKro.can('watch', 'kro.run', 'resourcegraphdefinitions')) && (await asKro.can('list', 'platform.mini-atlas.io', watchKind))) || undefined);
  return KroController.start({ kubeconfig: identity.kubeconfig, dir: node.plane.dir });
}

/** Installs the CloudNativePG operator and waits until it is available with its CA in both webhook configurations. */
export async function startCnpgOperator(node: E2eNode, client: KubeClient): Promise<void> {
  for (const o of cnpgOperatorObjects(node.cnpgConfigDir, IMAGES.cnpg)) await client.apply(o as KubeObject);
  await waitFor('the CloudNativePG operator available with its CA in both webhook configurations', async () => {
    const d = await client.get('apps/v1', 'Deployment', CNPG.deployment, CNPG.namespace);
    const available = ((d?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [])
      .some((c) => c.type === 'Available' && c.status === 'True');
    const cas = await Promise.all([
      ['MutatingWebhookConfiguration', CNPG.mutatingWebhook], ['ValidatingWebhookConfiguration', CNPG.validatingWebhook],
    ].map(async ([kind, name]) => {
      const cfg = await client.get('admissionregistration.k8s.io/v1', kind!, name!);
      return ((cfg?.webhooks ?? []) as { clientConfig: { caBundle?: string } }[]).every((w) => (w.clientConfig.caBundle ?? '') !== '');
    }));
    return available && cas.every(Boolean) ? true : undefined;
  }, { timeoutMs: 3 * MINUTE, describe: async () => client.list('v1', 'Pod', CNPG.namespace).then((ps) => JSON.stringify(ps.map((p) => p.status))) });
}

/**
 * The text of the Infrastructure RGD (JSON or YAML) with the images the platform pins and no registry here
 * serves — the Cluster's PostgreSQL `imageName` and the cache's Valkey `image` — replaced by the node's, each
 * built from Debian's package and tagged with its version; throws unless each pin occurs exactly once.
 */
export function withNodeImages(text: string, node: Pick<E2eNode, 'postgresImage' | 'valkeyImage'>): string {
  let out = text;
  for (const [pin, local] of [[CLOUDNATIVE_PG.postgresImage, node.postgresImage], [VALKEY.image, node.valkeyImage]] as const) {
    const count = out.split(pin).length - 1;
    if (count !== 1) throw new Error(`the Infrastructure RGD does not name ${pin} once (found ${count})`);
    out = out.replace(pin, local);
  }
  return out;
}
