/**
 * The container part of the workload constructs (WebApplication, Workload): the props that mirror
 * `CONTAINER_FIELDS` (lib/foundation/container.ts) and the checks both constructs run on them.
 */
import { imageProblem } from '../shared/names';
import { issue, ValidationIssue } from '../shared/validation-error';
import { imageRegistryProblem } from '../foundation/cross-checks';
import { envProblems } from '../foundation/container';
import { platformServices } from './platform-services';
import { freeId, Instance } from './instance';
import { Construct } from 'constructs';
import { Infrastructure } from './infrastructure';
import { Topic } from './topic';
import { Workspace } from './workspace';
import { Fields, SpecOf } from '../shared/fields';

/** Requests and limits of the application container (requests = limits: guaranteed QoS). */
export interface ResourceSizes {
  /** CPU. @default '250m' */
  readonly cpu?: string;
  /** Memory. @default '256Mi' */
  readonly memory?: string;
}

/** A plain environment variable. Its value is in Git: never put a secret here (use {@link SecretEnvVar}). */
export interface EnvVar {
  /** Variable name (Kubernetes `IsEnvVarName`: letters, digits, `_`, `-`, `.`; not starting with a digit). */
  readonly name: string;
  /** Value. */
  readonly value: string;
}

/** An environment variable read from a key of a Secret in the workspace (created by the team, or by a secret store). */
export interface SecretEnvVar {
  /** Variable name (as {@link EnvVar.name}). */
  readonly name: string;
  /** Name of the Secret in the same workspace (a DNS-1123 subdomain). */
  readonly secret: string;
  /** Key in the Secret (Kubernetes `IsConfigMapKey`: letters, digits, `-`, `_`, `.`; ≤ 253 characters). */
  readonly key: string;
}

/** An environment variable read from a key of a ConfigMap in the workspace. */
export interface ConfigMapEnvVar {
  /** Variable name (as {@link EnvVar.name}). */
  readonly name: string;
  /** Name of the ConfigMap in the same workspace (a DNS-1123 subdomain). */
  readonly configMap: string;
  /** Key in the ConfigMap (as {@link SecretEnvVar.key}). */
  readonly key: string;
}

/** The container props every workload construct has. */
export interface ContainerProps {
  /** Container image, fully qualified and pinned by a tag other than `latest` or by digest. */
  readonly image: string;
  /** Entrypoint, replacing the image's ENTRYPOINT (at most 32 items). @default [] (the image's) */
  readonly command?: readonly string[];
  /** Arguments, replacing the image's CMD (at most 32 items). @default [] (the image's) */
  readonly args?: readonly string[];
  /**
   * Plain environment variables, in order (at most 64). Names the platform sets (`PORT`, `DATABASE_*`,
   * `CACHE_*`, `KAFKA_*`) and a name set twice across `env`, `secretEnv` and `configMapEnv` are refused.
   * @default []
   */
  readonly env?: readonly EnvVar[];
  /** Variables from Secret keys in the workspace (at most 64); the pod waits until the key exists. @default [] */
  readonly secretEnv?: readonly SecretEnvVar[];
  /** Variables from ConfigMap keys in the workspace (at most 64); the pod waits until the key exists. @default [] */
  readonly configMapEnv?: readonly ConfigMapEnvVar[];
  /** Container resources. @default { cpu: '250m', memory: '256Mi' } */
  readonly resources?: ResourceSizes;
  /** Infrastructure whose database and cache the container connects to (`DATABASE_*`, `CACHE_*`). @default none */
  readonly database?: Infrastructure;
  /** Topic the container produces to / consumes from (`KAFKA_*`). @default none */
  readonly topic?: Topic;
}

/**
 * The spec form of a container construct's props: references become instance names, lists mutable copies, and
 * `name` (the instance's, not a spec field) is left out.
 */
export function containerSpec(props: ContainerProps & { readonly name?: string }): Record<string, unknown> {
  const { database, topic, command, args, env, secretEnv, configMapEnv, ...rest } = props;
  return {
    ...Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'name')),
    ...(command ? { command: [...command] } : {}),
    ...(args ? { args: [...args] } : {}),
    ...(env ? { env: env.map((v) => ({ ...v })) } : {}),
    ...(secretEnv ? { secretEnv: secretEnv.map((v) => ({ ...v })) } : {}),
    ...(configMapEnv ? { configMapEnv: configMapEnv.map((v) => ({ ...v })) } : {}),
    ...(database ? { database: database.name } : {}),
    ...(topic ? { topic: topic.name } : {}),
  };
}

/**
 * The checks of the container part: the pinned image and the allowed registries, the environment rules the
 * schema cannot express ({@link envProblems}), and references to infrastructure and topics of the own workspace.
 */
export function containerIssues(
  instance: Instance<Fields>, workspace: Workspace, spec: { readonly image: string; readonly env?: readonly EnvVar[]; readonly secretEnv?: readonly SecretEnvVar[]; readonly configMapEnv?: readonly ConfigMapEnvVar[] },
  refs: { readonly database?: Infrastructure; readonly topic?: Topic },
): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const img = imageProblem(spec.image);
  if (img) out.push(issue(instance, 'spec.image', spec.image, img, 'use a fully qualified image with a version tag, e.g. ghcr.io/acme/web:1.4.2'));
  const { imagePolicies } = platformServices(instance);
  const denied = img ? undefined : imagePolicies.map((p) => imageRegistryProblem(spec.image, p.allowedRegistries)).find((p) => p);
  if (denied) out.push(issue(instance, 'spec.image', spec.image, denied.rule, denied.fix));
  for (const p of envProblems(spec)) out.push(issue(instance, `spec.${p.field}`, p.value, p.rule, p.fix));
  for (const [field, ref] of [['database', refs.database], ['topic', refs.topic]] as const) {
    if (ref && ref.workspace !== workspace) {
      out.push(issue(instance, field, ref.node.path, `belongs to workspace "${ref.workspace.name}", not "${workspace.name}"`, 'connect apps only to infrastructure and topics of their own workspace'));
    }
  }
  return out;
}

/** What a container construct tells {@link ContainerInstance} about itself. */
export interface ContainerInstanceOptions<F extends Fields> {
  /** Generated kind, e.g. `Workload`. */
  readonly kind: string;
  /** The construct under the workspace that holds the instances of the kind, e.g. `apps`. */
  readonly group: string;
  readonly fields: F;
  /** The spec (references as names). */
  readonly spec: SpecOf<F>;
}

/**
 * Base of the constructs that run the application container (WebApplication, Workload): an instance in its
 * workspace (named `<workspace>-<id>` unless given a name), connected to the workspace's infrastructure and
 * topic, checked by `containerIssues`.
 */
export abstract class ContainerInstance<F extends Fields> extends Instance<F> {
  /** The workspace it belongs to. */
  public readonly workspace: Workspace;
  /** The connected infrastructure, if any. */
  public readonly database?: Infrastructure;
  /** The connected topic, if any. */
  public readonly topic?: Topic;

  protected constructor(workspace: Workspace, id: string, props: Pick<ContainerProps, 'database' | 'topic'> & { readonly name?: string }, options: ContainerInstanceOptions<F>) {
    const duplicates: string[] = [];
    const scope: Construct = workspace.node.tryFindChild(options.group) as Construct | undefined ?? new Construct(workspace, options.group);
    super(scope, freeId(scope, id, duplicates), duplicates, {
      kind: options.kind,
      name: props.name ?? workspace.qualify(id),
      namespace: workspace.namespace,
      fields: options.fields,
      spec: options.spec,
      workspace: workspace.name,
    });
    this.workspace = workspace;
    this.database = props.database;
    this.topic = props.topic;
  }

  /** The container checks; a kind adds its own after them. */
  protected override validateInstance(): ValidationIssue[] {
    return containerIssues(this as unknown as Instance<Fields>, this.workspace, this.resolvedSpec as never, this);
  }
}
