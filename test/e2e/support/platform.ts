/**
 * The e2e platform harness, the one module every e2e suite starts from: {@link startPlatform} (the e2e node of
 * `tools/node` registered with the test control plane, the platform's CRDs, the real KRO controller with exactly
 * the platform's grants from `dist/`, the foundation Kustomization applied as Flux would, the RGDs a suite uses
 * Active, and an e2e-only workspace derived from dist/'s first), and the operators the suites install on the node
 * themselves (the platform's `core-operators` stage holds HelmReleases, and no chart repository is reachable
 * here): KRO as a process with the RBAC its HelmRelease asks for plus dist/'s aggregated grant, and the
 * CloudNativePG operator as a pod (`tools/node/src/cnpg.ts`). And the one change the node needs in the
 * platform's Infrastructure RGD: the PostgreSQL and Valkey images the node has.
 */
import { CLOUDNATIVE_PG, VALKEY } from '../../../lib/shared/versions';
import { KroController } from '../../../tools/control-plane/src/kro-controller';
import { CNPG, cnpgOperatorObjects } from '../../../tools/node/src/cnpg';
import { IMAGES } from '../../../tools/node/src/images';
import { E2eNode } from '../../../tools/node/src/node';
import { installCrds, platformCrds } from '../../cluster/support/crds';
import { Dist, kafkaNamespace, readDist } from '../../cluster/support/dist';
import { fluxApplyStaged } from '../../cluster/support/flux-apply';
import { KRO_AGGREGATE_LABEL, kroInstallation, kroRbac } from '../../cluster/support/kro-identity';
import { KubeClient, KubeObject, waitFor } from '../../../tools/control-plane/src/kube-client';
import { deliveryWorkspaces, deriveWorkspace, generatedKinds } from '../../cluster/support/platform-model';

const MINUTE = 60_000;

/** A started e2e platform. */
export interface E2ePlatform {
  readonly node: E2eNode;
  /** The cluster admin. */
  readonly client: KubeClient;
  readonly dist: Dist;
  /** Stops KRO and the node. */
  stop(): Promise<void>;
}

/** Options of {@link startPlatform}. */
export interface E2ePlatformOptions {
  /** Name of the e2e-only workspace. */
  readonly workspace: string;
  /** The generated kinds the suite uses, whose RGDs must be Active (e.g. `['Workspace', 'WebApplication']`). */
  readonly kinds: readonly string[];
  readonly log: (message: string) => void;
  /** kube-controller-manager controllers beyond the node's. @default none */
  readonly controllers?: readonly string[];
}

/** The e2e-only workspace: dist/'s first Workspace instance under the name `name`. */
export function workspaceInstance(dist: Dist, name: string): KubeObject {
  const first = deliveryWorkspaces(dist, generatedKinds(dist))[0];
  if (!first) throw new Error('dist/ has no Workspace instance');
  return deriveWorkspace(first, name).instances[0]!;
}

/** Starts the node, KRO and the foundation, and creates the workspace; see the module comment. */
export async function startPlatform(options: E2ePlatformOptions): Promise<E2ePlatform> {
  const started = Date.now();
  const dist = readDist();
  const node = await E2eNode.start({ log: options.log, controllers: options.controllers });
  let kro: KroController | undefined;
  const stop = async (): Promise<void> => {
    await kro?.stop();
    await node.stop();
  };
  try {
    const client = new KubeClient(node.plane.admin);
    await installCrds(client, platformCrds());
    kro = await startKro(node, client, dist);
    const foundation = dist.stages.find((s) => s.name === 'foundation');
    if (!foundation) throw new Error('dist/ has no foundation Kustomization');
    const outcome = await fluxApplyStaged(client, foundation.objects);
    if (outcome.rejections.length > 0) throw new Error(`foundation rejected: ${JSON.stringify(outcome.rejections)}`);
    // The kinds the suite uses (Infrastructure and Topic need operators that may not run here).
    const used = foundation.objects.map((o) => o.object)
      .filter((o) => o.kind === 'ResourceGraphDefinition' && options.kinds.includes((o.spec as { schema: { kind: string } }).schema.kind));
    if (used.length !== options.kinds.length) throw new Error(`expected the ${options.kinds.join(', ')} RGDs in dist/foundation, found ${used.length}`);
    for (const rgd of used) {
      await waitFor(`RGD ${rgd.metadata.name} Active`, async () => {
        const o = await client.get(rgd.apiVersion, rgd.kind, rgd.metadata.name!);
        return o?.status?.state === 'Active' ? true : undefined;
      }, { timeoutMs: 2 * MINUTE, describe: async () => JSON.stringify((await client.get(rgd.apiVersion, rgd.kind, rgd.metadata.name!))?.status) });
    }
    await client.refreshDiscovery();
    // The Workspace RGD creates the workspace's KafkaUser in the shared Kafka's namespace (core/shared-services,
    // not applied here: no Kafka runs on this node).
    await client.apply(kafkaNamespace(dist));
    await client.apply(workspaceInstance(dist, options.workspace));
    await waitFor(`namespace ${options.workspace} Active with its default ServiceAccount`, async () => {
      const ns = await client.get('v1', 'Namespace', options.workspace);
      const sa = await client.get('v1', 'ServiceAccount', 'default', options.workspace);
      return (ns?.status as { phase?: string } | undefined)?.phase === 'Active' && sa ? true : undefined;
    }, { timeoutMs: 2 * MINUTE });
    options.log(`node, KRO, foundation and workspace ${options.workspace} up in ${Date.now() - started} ms`);
    return { node, client, dist, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}


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
