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
import { findCycles } from '../shared/graph';
import { addIssueCheck, issue, ValidationIssue } from '../shared/validation-error';
import { GATEWAY_API } from '../shared/versions';
import { FluxStage, PLATFORM_SERVICE_ACCOUNT } from './flux-stage';
import { KUBERNETES_NAMESPACES, namespaceIssues } from './namespaces';
import { partOfLabel, platformNameOf, platformNameProblem } from '../shared/platform-name';
import { dnsLabelProblem } from '../shared/names';

/** The Git URL Flux pulls from when {@link FluxSyncProps.repositoryUrl} is not given (Mini-Atlas's own repository). */
export const DEFAULT_REPOSITORY_URL = 'https://github.com/mini-atlas/mini-atlas.git';
/** The branch Flux follows when {@link FluxSyncProps.branch} is not given. */
export const DEFAULT_BRANCH = 'main';

/** Properties of {@link FluxSync}. */
export interface FluxSyncProps {
  /** Git URL of this repository (https:// or ssh://). @default DEFAULT_REPOSITORY_URL (`https://github.com/mini-atlas/mini-atlas.git`) */
  readonly repositoryUrl?: string;
  /** Branch Flux follows. @default DEFAULT_BRANCH (`main`) */
  readonly branch?: string;
  /** Folder of the synthesized output inside the repository (a path prefix such as `deploy/production`). @default 'dist' */
  readonly distPath?: string;
  /**
   * Name of the GitRepository that serves the output; a DNS-1123 label. @default SOURCE_NAME (`mini-atlas`)
   */
  readonly sourceName?: string;
  /**
   * A Secret in `namespace` with the credentials of a private repository (`username`/`password` for
   * https, `identity`/`known_hosts` for ssh: GitRepository `spec.secretRef`,
   * https://fluxcd.io/flux/components/source/gitrepositories/#secret-reference). @default none (a public repository)
   */
  readonly secretRef?: string;
  /**
   * Namespace of every Flux object (the GitRepositories and Kustomizations) and of the tenants' delivery
   * accounts; Flux's controllers must watch it (`flux install` creates `flux-system`). @default FLUX_NAMESPACE (`flux-system`)
   */
  readonly namespace?: string;
  /**
   * Name of the Kustomization that applies the output's own `flux-system` folder. A cluster bootstrapped with
   * `flux bootstrap` already has a GitRepository and a Kustomization named `flux-system` in `flux-system`
   * (https://fluxcd.io/flux/installation/bootstrap/): give this and `sourceName` other names there
   * (and set `fluxBootstrap`, which then refuses `flux-system`). @default 'flux-system'
   */
  readonly rootKustomizationName?: string;
  /**
   * The cluster was bootstrapped with `flux bootstrap`, which owns the GitRepository and Kustomization named
   * `flux-system`: a source or Kustomization of this platform with that name is refused. @default false
   */
  readonly fluxBootstrap?: boolean;
  /**
   * Git URL of the Gateway API repository (a mirror), read at the pinned tag. @default GATEWAY_API_REPOSITORY
   */
  readonly gatewayApiRepositoryUrl?: string;
  /** The stages, in any order. */
  readonly stages: readonly FluxStage[];
  /** Reconcile interval. @default '10m' */
  readonly interval?: string;
}

/** Name of the GitRepository holding this repository. */
export const SOURCE_NAME = 'mini-atlas';
/** Folder of the output that holds the Flux objects (the flux-system chart's stage). */
export const FLUX_SYSTEM_FOLDER = 'flux-system';
/** Default namespace of every Flux object. */
export const FLUX_NAMESPACE = 'flux-system';
/** Name of the Kustomization that installs the Gateway API CRDs. */
export const GATEWAY_API_KUSTOMIZATION = 'gateway-api-crds';
/** Name of the GitRepository of the Gateway API CRDs. */
export const GATEWAY_API_SOURCE = 'gateway-api';
/** Upstream Git repository of the Gateway API CRDs. */
export const GATEWAY_API_REPOSITORY = 'https://github.com/kubernetes-sigs/gateway-api';
/** The objects `flux bootstrap` creates in `flux-system` (its GitRepository and its Kustomization share the name). */
export const FLUX_BOOTSTRAP_NAME = 'flux-system';

const GIT_URL = /^(https:\/\/[^\s/]+\/[^\s]+|ssh:\/\/[^\s@]+@[^\s/]+(:[0-9]+)?\/[^\s]+)$/;
const BRANCH = /^[A-Za-z0-9._/-]+$/;

/** GitRepository + Kustomizations for the stages. */
export class FluxSync extends Construct {
  public readonly repositoryUrl: string;
  public readonly branch: string;
  /** Name of the GitRepository of the output. */
  public readonly sourceName: string;
  /** Namespace of the Flux objects. */
  public readonly namespace: string;
  /** Name of the Kustomization of the output's `flux-system` folder. */
  public readonly rootKustomizationName: string;
  private readonly stages: readonly FluxStage[];
  private readonly props: FluxSyncProps;

  public constructor(scope: Construct, id: string, props: FluxSyncProps) {
    super(scope, id);
    this.repositoryUrl = props.repositoryUrl ?? DEFAULT_REPOSITORY_URL;
    this.branch = props.branch ?? DEFAULT_BRANCH;
    this.stages = props.stages;
    this.props = props;
    this.sourceName = props.sourceName ?? SOURCE_NAME;
    this.namespace = props.namespace ?? FLUX_NAMESPACE;
    this.rootKustomizationName = props.rootKustomizationName ?? FLUX_NAMESPACE;
    const namespace = this.namespace;
    const dist = props.distPath ?? 'dist';
    const interval = props.interval ?? '10m';
    const labels = partOfLabel(this);

    new GitRepository(this, 'source', {
      metadata: { name: this.sourceName, namespace, labels },
      spec: {
        interval: '1m',
        url: this.repositoryUrl,
        ref: { branch: this.branch },
        ...(props.secretRef !== undefined ? { secretRef: { name: props.secretRef } } : {}),
        // Only the synthesized output matters to the cluster. A nested path (`dist/production`) is re-included too:
        // source-controller matches each file path against the patterns, last match wins, and go-git's gitignore
        // matcher counts a file below `!/dist/production/` as matched (plumbing/format/gitignore pattern.go globMatch).
        ignore: `/*\n!/${dist}/\n`,
      },
    });

    // Gateway API standard CRDs straight from upstream at the pinned tag; installed before Cilium's release.
    new GitRepository(this, 'gateway-api-source', {
      metadata: { name: GATEWAY_API_SOURCE, namespace, labels },
      spec: {
        interval: '24h',
        url: props.gatewayApiRepositoryUrl ?? GATEWAY_API_REPOSITORY,
        ref: { tag: GATEWAY_API.version },
        ignore: '/*\n!/config/crd/standard/\n',
      },
    });
    new Kustomization(this, 'gateway-api-crds', {
      metadata: { name: GATEWAY_API_KUSTOMIZATION, namespace, labels },
      spec: {
        interval: '24h',
        path: './config/crd/standard',
        // Deleting a CRD deletes every route: never prune.
        prune: false,
        wait: true,
        serviceAccountName: PLATFORM_SERVICE_ACCOUNT,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: GATEWAY_API_SOURCE },
      },
    });

    // Flux reconciles its own objects from Git too, so new stages (e.g. a new workspace) are picked up.
    new Kustomization(this, 'self', {
      metadata: { name: this.rootKustomizationName, namespace, labels },
      spec: {
        interval,
        path: `./${dist}/${FLUX_SYSTEM_FOLDER}`,
        prune: true,
        serviceAccountName: PLATFORM_SERVICE_ACCOUNT,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: this.sourceName },
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
        metadata: { name: stage.kustomizationName, namespace, labels },
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
          sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: this.sourceName },
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
    for (const [field, url] of [['repositoryUrl', this.repositoryUrl], ['gatewayApiRepositoryUrl', this.props.gatewayApiRepositoryUrl]] as const) {
      if (url !== undefined && !GIT_URL.test(url)) {
        out.push(issue(this, field, url, 'is not a Git URL Flux can clone', 'use https://host/org/repo.git or ssh://git@host/org/repo.git'));
      }
    }
    if (!BRANCH.test(this.branch) || this.branch.includes('..')) {
      out.push(issue(this, 'branch', this.branch, 'is not a valid branch name'));
    }
    out.push(...this.nameIssues());
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
    out.push(...namespaceIssues(this.node.root, [...KUBERNETES_NAMESPACES, this.namespace]));
    return out;
  }

  /**
   * The names this sync gives Flux objects: each a DNS-1123 label (Flux copies object names into label
   * values, e.g. `kustomize.toolkit.fluxcd.io/name`, which Kubernetes limits to 63 characters), no two
   * objects of one kind with the same name in the namespace, and none of `flux bootstrap`'s when
   * {@link FluxSyncProps.fluxBootstrap} is set.
   */
  private nameIssues(): ValidationIssue[] {
    const out: ValidationIssue[] = [];
    const named: [string, string | undefined][] = [
      ['sourceName', this.sourceName], ['namespace', this.namespace], ['rootKustomizationName', this.rootKustomizationName],
      ['secretRef', this.props.secretRef],
    ];
    for (const [field, value] of named) {
      const p = value === undefined ? undefined : dnsLabelProblem(value);
      if (p) out.push(issue(this, field, value, p));
    }
    const partOf = platformNameOf(this);
    const partOfProblem = platformNameProblem(partOf);
    if (partOfProblem) out.push(issue(this, 'platform name (app.kubernetes.io/part-of)', partOf, partOfProblem, 'pass a DNS-1123 label as buildPlatform({ name })'));
    if (this.sourceName === GATEWAY_API_SOURCE) {
      out.push(issue(this, 'sourceName', this.sourceName, `is the name of the Gateway API GitRepository in ${this.namespace}`, 'choose another name'));
    }
    const taken = new Map<string, string>([[GATEWAY_API_KUSTOMIZATION, 'the Gateway API CRDs']]);
    for (const s of this.stages) taken.set(s.kustomizationName, `the Kustomization of stage ${s.path}`);
    const clash = taken.get(this.rootKustomizationName);
    if (clash !== undefined) {
      out.push(issue(this, 'rootKustomizationName', this.rootKustomizationName, `is also the name of ${clash} in ${this.namespace}`, 'choose another name'));
    }
    if (this.props.fluxBootstrap && this.namespace === FLUX_NAMESPACE) {
      const bootstrap = (field: string, value: string): void => {
        if (value === FLUX_BOOTSTRAP_NAME) {
          out.push(issue(this, field, value, `is the name flux bootstrap gives its own object in ${FLUX_NAMESPACE}: Flux would apply both to one object`, 'choose another name, e.g. the platform name'));
        }
      };
      bootstrap('sourceName', this.sourceName);
      bootstrap('rootKustomizationName', this.rootKustomizationName);
      const stage = this.stages.find((s) => s.kustomizationName === FLUX_BOOTSTRAP_NAME);
      if (stage) bootstrap(`stage ${stage.path}`, stage.kustomizationName);
    }
    return out;
  }
}

/** A dependency cycle among stages (the one cycle check, `findCycles`), or undefined. */
export function findCycle(stages: readonly FluxStage[]): FluxStage[] | undefined {
  const byId = new Map(stages.map((s) => [s.node.path, s]));
  const [cycle] = findCycles(new Map(stages.map((s) => [s.node.path, new Set(s.dependsOn.map((d) => d.node.path))])));
  return cycle?.map((id) => byId.get(id)!);
}
