/**
 * kubectl bound to one kubeconfig context (`kind-<cluster>`), so nothing ever touches the user's current
 * context by accident.
 */
import { ClusterError } from './cluster-error';
import { CommandFailedError, CommandResult, CommandRunner, RunOptions } from './command-runner';
import { isKubeObject, KubeObject } from './kube-object';

/** Resources the cluster scripts read, fully qualified so short-name clashes cannot matter. */
export const RESOURCES = {
  kustomizations: 'kustomizations.kustomize.toolkit.fluxcd.io',
  gitRepositories: 'gitrepositories.source.toolkit.fluxcd.io',
  helmReleases: 'helmreleases.helm.toolkit.fluxcd.io',
  resourceGraphDefinitions: 'resourcegraphdefinitions.kro.run',
} as const;

/** kubectl stderr when a resource type (CRD) is not installed. */
const MISSING_TYPE = /the server doesn't have a resource type|no matches for kind|couldn't find resource|resource mapping not found/i;

/** kubectl for one context. */
export class KubeClient {
  public constructor(
    private readonly runner: CommandRunner,
    /** kubeconfig context, e.g. `kind-mini-atlas`. */
    public readonly context: string,
  ) {}

  /** Runs `kubectl --context <ctx> args…`. A context missing from the kubeconfig is reported with its fix. */
  public async run(args: readonly string[], options?: RunOptions): Promise<CommandResult> {
    const r = await this.runner.run('kubectl', ['--context', this.context, ...args], { ...options, allowFailure: true });
    if (r.exitCode !== 0 && /context was not found|context "[^"]*" does not exist|no context exists/i.test(r.stderr)) {
      const cluster = this.context.replace(/^kind-/, '');
      throw new ClusterError(
        `the kubeconfig has no context ${this.context}`,
        `restore it with \`kind export kubeconfig --name ${cluster}\` (or re-run npm run cluster:up, which does that)`,
      );
    }
    if (r.exitCode !== 0 && !options?.allowFailure) throw new CommandFailedError(r);
    return r;
  }

  /**
   * Lists a resource (`-A` unless a namespace is given). Returns undefined when the resource type is not
   * installed (its CRD does not exist yet); throws on any other failure.
   */
  public async list(resource: string, namespace?: string): Promise<KubeObject[] | undefined> {
    const scope = namespace ? ['--namespace', namespace] : ['--all-namespaces'];
    const r = await this.run(['get', resource, ...scope, '--output', 'json'], { allowFailure: true });
    if (r.exitCode !== 0) {
      if (MISSING_TYPE.test(r.stderr)) return undefined;
      throw new CommandFailedError(r);
    }
    const parsed = JSON.parse(r.stdout) as { items?: unknown[] };
    return (parsed.items ?? []).filter(isKubeObject);
  }

  /** One object, or undefined when it (or its type) does not exist. */
  public async get(resource: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    const scope = namespace ? ['--namespace', namespace] : [];
    const r = await this.run(['get', resource, name, ...scope, '--output', 'json'], { allowFailure: true });
    if (r.exitCode !== 0) {
      if (MISSING_TYPE.test(r.stderr) || /NotFound|not found/i.test(r.stderr)) return undefined;
      throw new CommandFailedError(r);
    }
    const parsed: unknown = JSON.parse(r.stdout);
    return isKubeObject(parsed) ? parsed : undefined;
  }
}
