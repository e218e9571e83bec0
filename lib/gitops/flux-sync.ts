/**
 * The GitOps wiring in `flux-system`: the GitRepository Flux pulls `dist/` from, the Gateway API CRDs from
 * upstream, and one Kustomization per {@link FluxStage}, ordered by the stages' dependencies.
 */
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Kustomization,
  KustomizationSpecSourceRefKind,
} from '../../imports/kustomize.toolkit.fluxcd.io';
import { GitRepository } from '../../imports/source.toolkit.fluxcd.io';
import { LABELS } from '../shared/api';
import { findCycles } from '../shared/graph';
import { addIssueCheck, issue, ValidationIssue } from '../shared/validation-error';
import { GATEWAY_API } from '../shared/versions';
import { FluxStage, PLATFORM_SERVICE_ACCOUNT } from './flux-stage';
import { KUBERNETES_NAMESPACES, namespaceIssues } from './namespaces';

/** Properties of {@link FluxSync}. */
export interface FluxSyncProps {
  /** Git URL of this repository (https:// or ssh://). @default 'https://github.com/mini-atlas/mini-atlas.git' */
  readonly repositoryUrl?: string;
  /** Branch Flux follows. @default 'main' */
  readonly branch?: string;
  /** Folder of the synthesized output inside the repository. @default 'dist' */
  readonly distPath?: string;
  /** The stages, in any order. */
  readonly stages: readonly FluxStage[];
  /** Reconcile interval. @default '10m' */
  readonly interval?: string;
}

/** Name of the GitRepository holding this repository. */
export const SOURCE_NAME = 'mini-atlas';
/** Namespace of every Flux object. */
export const FLUX_NAMESPACE = 'flux-system';
/** Name of the Kustomization that installs the Gateway API CRDs. */
export const GATEWAY_API_KUSTOMIZATION = 'gateway-api-crds';

const GIT_URL = /^(https:\/\/[^\s/]+\/[^\s]+|ssh:\/\/[^\s@]+@[^\s/]+(:[0-9]+)?\/[^\s]+)$/;
const BRANCH = /^[A-Za-z0-9._/-]+$/;

/** GitRepository + Kustomizations for the stages. */
export class FluxSync extends Construct {
  public readonly repositoryUrl: string;
  public readonly branch: string;
  private readonly stages: readonly FluxStage[];

  public constructor(scope: Construct, id: string, props: FluxSyncProps) {
    super(scope, id);
    this.repositoryUrl = props.repositoryUrl ?? 'https://github.com/mini-atlas/mini-atlas.git';
    this.branch = props.branch ?? 'main';
    this.stages = props.stages;
    const dist = props.distPath ?? 'dist';
    const interval = props.interval ?? '10m';
    const labels = { [LABELS.partOf]: 'mini-atlas' };

    new GitRepository(this, 'source', {
      metadata: { name: SOURCE_NAME, namespace: FLUX_NAMESPACE, labels },
      spec: {
        interval: '1m',
        url: this.repositoryUrl,
        ref: { branch: this.branch },
        // Only the synthesized output matters to the cluster.
        ignore: `/*\n!/${dist}/\n`,
      },
    });

    // Gateway API standard CRDs straight from upstream at the pinned tag; installed before Cilium's release.
    new GitRepository(this, 'gateway-api-source', {
      metadata: { name: 'gateway-api', namespace: FLUX_NAMESPACE, labels },
      spec: {
        interval: '24h',
        url: 'https://github.com/kubernetes-sigs/gateway-api',
        ref: { tag: GATEWAY_API.version },
        ignore: '/*\n!/config/crd/standard/\n',
      },
    });
    new Kustomization(this, 'gateway-api-crds', {
      metadata: { name: GATEWAY_API_KUSTOMIZATION, namespace: FLUX_NAMESPACE, labels },
      spec: {
        interval: '24h',
        path: './config/crd/standard',
        // Deleting a CRD deletes every route: never prune.
        prune: false,
        wait: true,
        serviceAccountName: PLATFORM_SERVICE_ACCOUNT,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: 'gateway-api' },
      },
    });

    // Flux reconciles its own objects from Git too, so new stages (e.g. a new workspace) are picked up.
    new Kustomization(this, 'self', {
      metadata: { name: FLUX_NAMESPACE, namespace: FLUX_NAMESPACE, labels },
      spec: {
        interval,
        path: `./${dist}/${FLUX_NAMESPACE}`,
        prune: true,
        serviceAccountName: PLATFORM_SERVICE_ACCOUNT,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: SOURCE_NAME },
      },
    });

    const created = new Set<string>();
    for (const stage of [...props.stages].sort((a, b) => a.path.localeCompare(b.path))) {
      // A second stage with the same folder is reported by check(); it gets no Kustomization of its own.
      if (created.has(stage.kustomizationName)) continue;
      created.add(stage.kustomizationName);
      const deps = stage.dependsOn.map((d) => d.kustomizationName);
      // Stages without dependencies still wait for the Gateway API CRDs (Cilium needs them at install).
      const dependsOn = deps.length > 0 ? deps : [GATEWAY_API_KUSTOMIZATION];
      new Kustomization(this, `stage-${stage.kustomizationName}`, {
        metadata: { name: stage.kustomizationName, namespace: FLUX_NAMESPACE, labels },
        spec: {
          interval,
          retryInterval: '1m',
          timeout: stage.timeout,
          path: `./${dist}/${stage.path}`,
          prune: stage.prune,
          wait: stage.wait,
          dependsOn: dependsOn.map((name) => ({ name })),
          // Every stage names the account it is applied as: the controller's default is unprivileged (lockdown).
          serviceAccountName: stage.serviceAccountName,
          sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: SOURCE_NAME },
          // Derived at synth from the kinds the stage then holds (constructs may be added after this one).
          healthCheckExprs: Lazy.any({
            produce: () => {
              const checks = stage.healthCheckExpressions.map((h) => ({ ...h }));
              return checks.length > 0 ? checks : undefined;
            },
          }),
        },
      });
    }
    addIssueCheck(this, () => this.check());
  }

  private check(): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    if (!GIT_URL.test(this.repositoryUrl)) {
      out.push(issue(this, 'repositoryUrl', this.repositoryUrl, 'is not a Git URL Flux can clone', 'use https://host/org/repo.git or ssh://git@host/org/repo.git'));
    }
    if (!BRANCH.test(this.branch) || this.branch.includes('..')) {
      out.push(issue(this, 'branch', this.branch, 'is not a valid branch name'));
    }
    const names = new Map<string, FluxStage>();
    for (const s of this.stages) {
      const prev = names.get(s.kustomizationName);
      if (prev) out.push(issue(s, 'path', s.path, `is also the path of ${prev.node.path}`, 'give each stage its own folder'));
      names.set(s.kustomizationName, s);
      for (const d of s.dependsOn) {
        if (!this.stages.includes(d)) out.push(issue(s, 'dependsOn', d.path, 'is not a stage of this platform'));
      }
    }
    for (const s of this.stages) {
      if (s.wait) continue;
      const dependents = this.stages.filter((d) => d.dependsOn.includes(s)).map((d) => d.path);
      if (dependents.length > 0) {
        out.push(issue(s, 'wait', false,
          `is off, but ${dependents.join(', ')} depend${dependents.length === 1 ? 's' : ''} on this stage: Flux then counts it Ready once applied, so they may start before its objects work`,
          'leave wait on (the default) for a stage others depend on'));
      }
    }
    const cycle = findCycle(this.stages);
    if (cycle) {
      out.push(issue(this, 'stages', cycle.map((s) => s.path), 'dependsOn forms a cycle'));
      return out;
    }
    // Flux's own namespace exists before any stage: `flux bootstrap` (or `flux install`) creates it.
    out.push(...namespaceIssues(this.node.root, [...KUBERNETES_NAMESPACES, FLUX_NAMESPACE]));
    return out;
  }
}

/** A dependency cycle among stages (the one cycle check, `findCycles`), or undefined. */
export function findCycle(stages: readonly FluxStage[]): FluxStage[] | undefined {
  const byId = new Map(stages.map((s) => [s.node.path, s]));
  const [cycle] = findCycles(new Map(stages.map((s) => [s.node.path, new Set(s.dependsOn.map((d) => d.node.path))])));
  return cycle?.map((id) => byId.get(id)!);
}
