/**
 * Real Flux for the suites: source-controller and kustomize-controller (`tools/control-plane/src/flux-controllers.ts`)
 * started against a control plane with the upstream install's RBAC, a loopback Git server
 * (`tools/control-plane/src/git-server.ts`) holding one repository, and the reads both suites make of Flux's
 * status (Ready at a revision, inventories). Used by `test/cluster/flux.test.ts` (control plane only) and
 * `test/e2e/gitops.test.ts` (the real node).
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlane } from '../../../tools/control-plane/src/control-plane';
import {
  FLUX_CONTROLLER_USERS, FluxControllerName, FluxControllers, FluxControllersOptions, fluxControllerRbac,
} from '../../../tools/control-plane/src/flux-controllers';
import { GitServer, PushedCommit } from '../../../tools/control-plane/src/git-server';
import { KubeClient, KubeObject, waitFor } from '../../../tools/control-plane/src/kube-client';

export const FLUX_NS = 'flux-system';
export const GIT_API = 'source.toolkit.fluxcd.io/v1';
export const KS_API = 'kustomize.toolkit.fluxcd.io/v1';
/** The platform's GitRepository (and the loopback repository's name). */
export const SOURCE = 'mini-atlas';

/** A status condition. */
export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}

/** The `Ready` condition of an object, if any. */
export function readyOf(o: KubeObject | undefined): Condition | undefined {
  return ((o?.status?.conditions ?? []) as Condition[]).find((c) => c.type === 'Ready');
}

/** `main@sha1:<sha>`, the revision Flux reports for a commit on main. */
export const revisionOf = (c: PushedCommit): string => `${c.branch}@sha1:${c.sha}`;

/**
 * The inventory id Flux records for an object: `<namespace>_<name>_<group>_<kind>` (namespace empty for a
 * cluster-scoped one), with every ":" of the name written "__" (cli-utils `ObjMetadata.String`, which Flux's
 * inventory uses).
 */
export function inventoryId(o: KubeObject): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${o.metadata.namespace ?? ''}_${o.metadata.name!.replaceAll(':', '__')}_${group}_${o.kind}`;
}

/** The sorted inventory ids of a Kustomization. */
export function inventory(ks: KubeObject | undefined): string[] {
  const entries = ((ks?.status as { inventory?: { entries?: { id: string }[] } } | undefined)?.inventory?.entries ?? []);
  return entries.map((e) => e.id).sort();
}

/** Tenths of a second. */
export const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/** Options of {@link FluxHarness.start}. */
export interface FluxHarnessOptions extends Omit<FluxControllersOptions, 'kubeconfigs' | 'dir'> {
  readonly plane: ControlPlane;
  /** The admin client. */
  readonly client: KubeClient;
}

/** Flux's two controllers, the loopback Git server with the repository {@link SOURCE}, and a working copy. */
export class FluxHarness {
  /**
   * Creates `flux-system` and the upstream install's RBAC, starts both controllers (each with its own client
   * certificate) and the Git server with an empty repository.
   */
  static async start(options: FluxHarnessOptions): Promise<FluxHarness> {
    const { plane, client, ...controllerOptions } = options;
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: FLUX_NS } });
    for (const o of fluxControllerRbac()) await client.apply(o as KubeObject, { fieldManager: 'flux-install' });
    const kubeconfigs = {
      'source-controller': (await plane.issueKubeconfig('source-controller', { user: FLUX_CONTROLLER_USERS['source-controller'] })).kubeconfig,
      'kustomize-controller': (await plane.issueKubeconfig('kustomize-controller', { user: FLUX_CONTROLLER_USERS['kustomize-controller'] })).kubeconfig,
    };
    const flux = await FluxControllers.start({ ...controllerOptions, kubeconfigs, dir: join(plane.dir, 'flux') });
    let git: GitServer | undefined;
    try {
      git = await GitServer.start();
      await git.createRepository(SOURCE);
    } catch (e) {
      await flux.stop();
      await git?.stop();
      throw e;
    }
    return new FluxHarness(client, flux, git, mkdtempSync(join(git.dir, 'tree-')));
  }

  /** Every commit served so far. */
  readonly commits: PushedCommit[] = [];

  private constructor(
    private readonly client: KubeClient,
    /** The controllers. */
    readonly flux: FluxControllers,
    /** The loopback Git server. */
    readonly git: GitServer,
    /** The working copy: {@link commit} makes the repository hold exactly its files. */
    readonly work: string,
  ) {}

  /** The clone URL of the repository. */
  get url(): string {
    return this.git.url(SOURCE);
  }

  /**
   * Commits the working copy and, with `requestReconcile`, asks source-controller to fetch now, as
   * `flux reconcile source git` (or a webhook receiver) does; otherwise its interval applies.
   */
  async commit(message: string, requestReconcile: boolean): Promise<PushedCommit> {
    const pushed = await this.git.commitTree(SOURCE, this.work, message);
    this.commits.push(pushed);
    if (requestReconcile) {
      await this.client.mergePatch(GIT_API, 'GitRepository', SOURCE, FLUX_NS, {
        metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': new Date(pushed.servedAt).toISOString() } },
      });
    }
    return pushed;
  }

  /** A Flux object of `flux-system`, live. */
  async live(kind: 'GitRepository' | 'Kustomization', name: string): Promise<KubeObject | undefined> {
    return this.client.get(kind === 'GitRepository' ? GIT_API : KS_API, kind, name, FLUX_NS);
  }

  /** The status of the GitRepository and the named Kustomizations, and each controller's last log lines. */
  async describe(kustomizations: readonly string[]): Promise<string> {
    const objs = [await this.live('GitRepository', SOURCE), ...await Promise.all(kustomizations.map((k) => this.live('Kustomization', k)))];
    const names: FluxControllerName[] = ['source-controller', 'kustomize-controller'];
    return [
      ...objs.map((o) => `${o?.kind ?? '?'} ${o?.metadata.name ?? '?'}: ${JSON.stringify(o?.status ?? null)}`),
      ...names.map((n) => `${n} log:\n${this.flux.logTail(n, 15)}`),
    ].join('\n');
  }

  /**
   * Waits until a Flux object is Ready at `revision` (`main@sha1:<sha>`: the artifact's for a GitRepository,
   * the last applied for a Kustomization) for its current generation, and returns it.
   */
  async readyAt(kind: 'GitRepository' | 'Kustomization', name: string, revision: string, options: { timeoutMs: number; describe: readonly string[] }): Promise<KubeObject> {
    return waitFor(`${kind} ${name} Ready at ${revision}`, async () => {
      const o = await this.live(kind, name);
      const status = o?.status as { artifact?: { revision?: string }; lastAppliedRevision?: string; observedGeneration?: number } | undefined;
      const rev = kind === 'GitRepository' ? status?.artifact?.revision : status?.lastAppliedRevision;
      return readyOf(o)?.status === 'True' && rev === revision && status?.observedGeneration === o?.metadata.generation ? o : undefined;
    }, { timeoutMs: options.timeoutMs, intervalMs: 250, describe: () => this.describe(options.describe) });
  }

  /** Log entries of a controller that mention "forbidden" (a permission the install lacks, or a tenant refused). */
  forbiddenLogEntries(name: FluxControllerName): string[] {
    return this.flux.logEntries(name).map((e) => JSON.stringify(e)).filter((e) => /forbidden/i.test(e));
  }

  /** Stops the controllers, then the Git server (removing the working copy). */
  async stop(): Promise<void> {
    await this.flux.stop();
    await this.git.stop();
  }
}
